package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.TrainingCancellation;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.trainer.service.ActiveRun;
import dev.saguaro.trainer.service.TrainingRunRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads cancellations and sets the cancellation flag of the run if it is active here; the trainer
 * stops before its next batch and publishes CANCELLED. Cancellations of runs that are not here are
 * for another trainer and are ignored.
 */
@ApplicationScoped
public class TrainingCancellationConsumer {

  @Inject TrainingRunRegistry registry;

  /** Applies one cancellation record. */
  @Incoming(Channels.TRAINING_CONTROL)
  public CompletionStage<Void> consume(Message<String> message) {
    TrainingCancellation cancellation;
    try {
      if (message.getPayload() == null) {
        throw new MalformedMessageException(TrainingCancellation.class, "the record has no value");
      }
      cancellation = ContractCodec.decode(message.getPayload(), TrainingCancellation.class);
    } catch (UnsupportedSchemaVersionException | MalformedMessageException e) {
      Log.warnf(
          "Skipping cancellation at %s: %s", RecordLocation.describe(message), e.getMessage());
      return message.ack();
    }

    Optional<ActiveRun> run = Optional.ofNullable(cancellation.runId()).flatMap(registry::find);
    if (run.isPresent()) {
      Log.infof(
          "Run %s attempt %d: cancellation requested by %s; stopping at the next batch",
          cancellation.runId(), run.get().attempt(), cancellation.requestedBy());
      run.get().requestCancellation();
    } else {
      Log.debugf("Cancellation of run %s: not running here", cancellation.runId());
    }
    return message.ack();
  }
}
