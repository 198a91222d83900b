package dev.saguaro.ingest.runs;

import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.messaging.OutboxWriter;
import dev.saguaro.ingest.storage.RunState;
import dev.saguaro.ingest.storage.TrainingRun;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Finds runs whose trainer went silent for longer than {@code saguaro.ingest.run-lease-timeout}. A
 * RUNNING run is re-queued as its next attempt (request trigger RETRY) until {@code
 * saguaro.ingest.max-run-attempts} is used up, then marked FAILED; a CANCELLING run becomes
 * CANCELLED, since no trainer is left to confirm.
 */
@ApplicationScoped
public class LeaseReaper {

  /** {@code requestedBy} of re-queued attempts. */
  public static final String REQUESTED_BY = "run-lease-reaper";

  @Inject IngestConfig config;
  @Inject TrainingRunService runs;
  @Inject OutboxWriter outbox;
  @Inject EntityManager entityManager;

  private ScheduledExecutorService thread;

  void onStart(@Observes StartupEvent event) {
    thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread reaper = new Thread(runnable, "run-lease-reaper");
              reaper.setDaemon(true);
              return reaper;
            });
    long periodMs = config.runLeaseCheckInterval().toMillis();
    thread.scheduleWithFixedDelay(this::checkLeases, periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  private void checkLeases() {
    try {
      int expired = QuarkusTransaction.requiringNew().call(this::expireLeases);
      if (expired > 0) {
        Log.infof("Handled %d run(s) with an expired lease", expired);
      }
    } catch (RuntimeException e) {
      Log.errorf(
          e, "Checking run leases failed; trying again in %s", config.runLeaseCheckInterval());
    }
  }

  /** Re-queues or fails every run whose lease expired; returns how many. */
  int expireLeases() {
    Instant now = Instant.now();
    Instant deadline = now.minus(config.runLeaseTimeout());
    @SuppressWarnings("unchecked")
    List<TrainingRun> expired =
        entityManager
            .createNativeQuery(
                "SELECT * FROM training_run WHERE state IN ('RUNNING', 'CANCELLING')"
                    + " AND last_event_at < ?1 FOR UPDATE SKIP LOCKED",
                TrainingRun.class)
            .setParameter(1, deadline)
            .getResultList();
    for (TrainingRun run : expired) {
      expireLease(run, now);
    }
    return expired.size();
  }

  private void expireLease(TrainingRun run, Instant now) {
    long silentSeconds = java.time.Duration.between(run.lastEventAt, now).toSeconds();
    run.updatedAt = now;
    if (run.state == RunState.CANCELLING) {
      run.state = RunState.CANCELLED;
      run.finishedAt = now;
      Log.warnf(
          "Run %s was cancelling but trainer %s sent nothing for %d s; marked CANCELLED",
          run.id, run.trainerId, silentSeconds);
      return;
    }
    if (run.attempt >= config.maxRunAttempts()) {
      run.state = RunState.FAILED;
      run.finishedAt = now;
      run.failureReason =
          "Trainer "
              + run.trainerId
              + " sent no event for "
              + silentSeconds
              + " s on attempt "
              + run.attempt
              + " of "
              + config.maxRunAttempts()
              + "; no attempts are left (saguaro.ingest.max-run-attempts)";
      Log.warnf("Run %s failed: %s", run.id, run.failureReason);
      return;
    }
    String previousTrainer = run.trainerId;
    run.attempt++;
    run.state = RunState.QUEUED;
    run.trainerId = null;
    run.claimedAt = null;
    run.phase = null;
    run.epoch = null;
    outbox.appendTrainingRequest(runs.trainingRequest(run, RunTrigger.RETRY));
    Log.warnf(
        "Run %s: trainer %s sent no event for %d s; re-queued as attempt %d of %d",
        run.id, previousTrainer, silentSeconds, run.attempt, config.maxRunAttempts());
  }
}
