package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.trainer.service.TrainingRunDispatcher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Reads training requests and hands each one to the {@link TrainingRunDispatcher}.
 *
 * <p>A run lasts hours, far longer than Kafka's {@code max.poll.interval.ms} and SmallRye's
 * unprocessed-record age check, so the record is acknowledged as soon as the run is claimed and
 * handed to a worker thread, not when training ends. While every run slot is busy, the returned
 * stage stays incomplete; SmallRye delivers the next record only after it completes, and the
 * connector keeps polling (with the partitions paused) meanwhile, so the consumer stays in its
 * group. The channel's configuration disables the age check for that wait.
 *
 * <p>A record that cannot be decoded (malformed JSON, unknown major schema version, missing fields)
 * is logged at WARN with its topic, partition and offset, acknowledged and skipped.
 */
@ApplicationScoped
public class TrainingRequestConsumer {

  @Inject TrainingRunDispatcher dispatcher;

  /** Decodes, dispatches and acknowledges one request record. */
  @Incoming(Channels.TRAINING_REQUESTS)
  public CompletionStage<Void> consume(Message<String> message) {
    String location = RecordLocation.describe(message);
    TrainingRequest request;
    try {
      request = decode(message.getPayload());
    } catch (UnsupportedSchemaVersionException | MalformedMessageException e) {
      Log.warnf("Skipping training request at %s: %s", location, e.getMessage());
      return message.ack();
    }

    Log.infof(
        "Received training request for run %s attempt %d (model %s, snapshot %s) at %s",
        request.runId(), request.attempt(), request.modelName(), request.snapshotId(), location);
    return dispatcher
        .dispatch(request)
        .exceptionally(
            error -> {
              Log.errorf(
                  error,
                  "Dispatching run %s attempt %d from %s failed; the request is skipped",
                  request.runId(),
                  request.attempt(),
                  location);
              return null;
            })
        .thenCompose(ignored -> message.ack());
  }

  private static TrainingRequest decode(String payload) {
    if (payload == null) {
      throw new MalformedMessageException(TrainingRequest.class, "the record has no value");
    }
    TrainingRequest request = ContractCodec.decode(payload, TrainingRequest.class);
    requirePresent(request.runId(), "runId");
    requirePresent(request.modelName(), "modelName");
    requirePresent(request.snapshotArchiveUri(), "snapshotArchiveUri");
    if (request.attempt() < 1) {
      throw new MalformedMessageException(
          TrainingRequest.class, "attempt is " + request.attempt() + ", expected 1 or more");
    }
    try {
      java.net.URI uri = java.net.URI.create(request.snapshotArchiveUri());
      if (!uri.isAbsolute()) {
        throw new IllegalArgumentException("not absolute");
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedMessageException(
          TrainingRequest.class,
          "snapshotArchiveUri '" + request.snapshotArchiveUri() + "' is not an absolute URI");
    }
    return request;
  }

  private static void requirePresent(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new MalformedMessageException(TrainingRequest.class, field + " is missing");
    }
  }
}
