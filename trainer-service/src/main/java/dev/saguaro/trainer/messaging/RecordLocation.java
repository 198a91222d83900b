package dev.saguaro.trainer.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Describes where an incoming record sits, for log lines about that record. */
final class RecordLocation {

  private RecordLocation() {}

  /** Returns {@code topic/partition/offset} of the record, or "unknown record" without metadata. */
  static String describe(Message<?> message) {
    return message
        .getMetadata(IncomingKafkaRecordMetadata.class)
        .map(
            metadata ->
                "topic "
                    + metadata.getTopic()
                    + " partition "
                    + metadata.getPartition()
                    + " offset "
                    + metadata.getOffset())
        .orElse("unknown record");
  }
}
