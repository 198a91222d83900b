package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.trainer.config.TrainerIdentity;
import dev.saguaro.trainer.service.ActiveRun;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes the {@link TrainingEvent}s of the attempts on this trainer, keyed by run id.
 *
 * <p>Each event takes the next sequence number of its attempt and is handed to the emitter while
 * the run's monitor is held, so that events of one attempt reach Kafka in sequence order even when
 * the heartbeat thread and the training thread publish at the same moment. After a final event
 * (SUCCEEDED, FAILED, CANCELLED) nothing more is published for the attempt. Thread-safe.
 */
@ApplicationScoped
public class TrainingEventPublisher {

  // Heartbeats keep coming while Kafka is unreachable; a buffer rides out a short outage.
  @Inject
  @Channel(Channels.TRAINING_EVENTS)
  @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
  Emitter<String> emitter;

  @Inject TrainerIdentity identity;

  /** Publishes STARTED. */
  public CompletionStage<Void> publishStarted(ActiveRun run) {
    return publish(run, TrainingEventType.STARTED, null, null, null, null);
  }

  /** Publishes PHASE_STARTED for {@code phase}. */
  public CompletionStage<Void> publishPhaseStarted(ActiveRun run, int phase) {
    return publish(run, TrainingEventType.PHASE_STARTED, phase, null, null, null);
  }

  /** Publishes EPOCH_COMPLETED with the epoch's figures. */
  public CompletionStage<Void> publishEpochCompleted(ActiveRun run, EpochMetrics metrics) {
    return publish(run, TrainingEventType.EPOCH_COMPLETED, metrics.phase(), metrics, null, null);
  }

  /** Publishes HEARTBEAT, which renews the attempt's lease at the ingest service. */
  public CompletionStage<Void> publishHeartbeat(ActiveRun run) {
    return publish(run, TrainingEventType.HEARTBEAT, run.phase(), null, null, null);
  }

  /** Publishes SUCCEEDED with the stored model. */
  public CompletionStage<Void> publishSucceeded(ActiveRun run, ModelArtifact model) {
    return publish(run, TrainingEventType.SUCCEEDED, run.phase(), null, model, null);
  }

  /** Publishes FAILED with a reason that names the problem and the fix. */
  public CompletionStage<Void> publishFailed(ActiveRun run, String reason) {
    return publish(run, TrainingEventType.FAILED, run.phase(), null, null, reason);
  }

  /** Publishes CANCELLED. */
  public CompletionStage<Void> publishCancelled(ActiveRun run) {
    return publish(run, TrainingEventType.CANCELLED, run.phase(), null, null, null);
  }

  private CompletionStage<Void> publish(
      ActiveRun run,
      TrainingEventType type,
      Integer phase,
      EpochMetrics metrics,
      ModelArtifact model,
      String reason) {
    synchronized (run) {
      long sequence = run.nextSequence(type.isTerminal());
      if (sequence < 0) {
        Log.debugf(
            "Run %s attempt %d already has its final event; %s not published",
            run.runId(), run.attempt(), type);
        return CompletableFuture.completedFuture(null);
      }
      TrainingEvent event =
          new TrainingEvent(
              SchemaVersion.CURRENT,
              UUID.randomUUID().toString(),
              run.runId(),
              run.attempt(),
              sequence,
              type,
              identity.trainerId(),
              Instant.now(),
              phase,
              run.totalEpochs(),
              metrics,
              model,
              reason);
      Log.debugf(
          "Run %s attempt %d: publishing %s #%d", run.runId(), run.attempt(), type, sequence);
      return KafkaSends.send(emitter, run.runId(), ContractCodec.encode(event))
          .whenComplete(
              (ignored, error) -> {
                if (error != null) {
                  Log.errorf(
                      error,
                      "Run %s attempt %d: %s #%d was not delivered to Kafka",
                      run.runId(),
                      run.attempt(),
                      type,
                      sequence);
                }
              });
    }
  }
}
