package dev.saguaro.trainer.service;

import dev.saguaro.trainer.config.TrainerConfig;
import dev.saguaro.trainer.messaging.TrainingEventPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a HEARTBEAT for every claimed run on this trainer each {@code
 * saguaro.trainer.heartbeat-interval}. The ingest service treats heartbeats as lease renewals: when
 * they stop (the trainer died), it re-queues the run after its lease timeout. A thread of its own,
 * so that a busy training thread never delays a heartbeat.
 */
@ApplicationScoped
public class HeartbeatScheduler {

  private final TrainerConfig config;
  private final TrainingRunRegistry registry;
  private final TrainingEventPublisher events;
  private ScheduledExecutorService scheduler;

  public HeartbeatScheduler(
      TrainerConfig config, TrainingRunRegistry registry, TrainingEventPublisher events) {
    this.config = config;
    this.registry = registry;
    this.events = events;
  }

  void start(@Observes StartupEvent event) {
    long intervalMillis = config.heartbeatInterval().toMillis();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "saguaro-heartbeats");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleAtFixedRate(
        this::publishHeartbeats, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    Log.infof("Heartbeats of active runs every %d ms", intervalMillis);
  }

  void stop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  private void publishHeartbeats() {
    for (ActiveRun run : registry.activeRuns()) {
      if (!run.isClaimed()) {
        continue;
      }
      try {
        events.publishHeartbeat(run);
      } catch (RuntimeException e) {
        // A failed heartbeat must not cancel the schedule; the next one follows.
        Log.warnf(e, "Run %s: heartbeat not published", run.runId());
      }
    }
  }
}
