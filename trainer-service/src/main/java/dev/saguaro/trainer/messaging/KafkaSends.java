package dev.saguaro.trainer.messaging;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Sends a keyed record through an emitter and reports when Kafka acknowledged it. */
final class KafkaSends {

  private KafkaSends() {}

  /**
   * Hands {@code value} to {@code emitter} under {@code key} right away (so that calls made in some
   * order leave in that order) and returns a stage that completes when the broker acknowledged the
   * record, or fails with the producer's error.
   */
  static CompletionStage<Void> send(Emitter<String> emitter, String key, String value) {
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    Message<String> message =
        Message.of(value)
            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
            .withAck(
                () -> {
                  acknowledged.complete(null);
                  return CompletableFuture.completedFuture(null);
                })
            .withNack(
                error -> {
                  acknowledged.completeExceptionally(error);
                  return CompletableFuture.completedFuture(null);
                });
    emitter.send(message);
    return acknowledged;
  }
}
