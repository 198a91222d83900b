package dev.saguaro.trainer.messaging;

import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import java.time.Duration;
import java.util.List;

/** Waits shared by the trainer's Kafka tests. */
final class KafkaTestWaits {

  private KafkaTestWaits() {}

  /** Waits until run {@code runId} published a final event and returns it. */
  static TrainingEvent awaitFinalEvent(KafkaTopicsClient kafka, String runId, Duration timeout) {
    return await()
        .atMost(timeout)
        .until(
            () ->
                kafka.eventsOf(runId).stream()
                    .filter(event -> event.type().isTerminal())
                    .findFirst(),
            java.util.Optional::isPresent)
        .get();
  }

  /**
   * Sends {@code value} to the requests topic and waits until the trainers' group committed an
   * offset past it, which shows that the trainer acknowledged the record.
   */
  static void sendRequestAndAwaitAcknowledgement(
      KafkaTopicsClient kafka, String key, String value) {
    long offset = kafka.send(Topics.TRAINING_REQUESTS, key, value).offset();
    await().atMost(Duration.ofSeconds(60)).until(() -> kafka.committedRequestOffset() > offset);
  }

  /** Types of the events of {@code runId}, in order. */
  static List<TrainingEventType> typesOf(KafkaTopicsClient kafka, String runId) {
    return kafka.eventsOf(runId).stream().map(TrainingEvent::type).toList();
  }
}
