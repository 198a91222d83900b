package dev.saguaro.ingest.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.ingest.runs.TrainingEventHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads trainer events from channel {@value #CHANNEL} (topic {@code saguaro.training-events} by
 * default, set in {@code application.properties}) and applies them to runs.
 *
 * <p>A record that is not valid JSON or has an unknown major schema version is logged once at WARN
 * with its topic, partition and offset and skipped, so one bad producer cannot stop the channel. A
 * failure to apply a valid event (for example the database being down) is logged at ERROR and the
 * event is skipped as well. The run's lease then expires and the run is re-queued, so a lost
 * terminal event is recovered.
 */
@ApplicationScoped
public class TrainingEventConsumer {

  public static final String CHANNEL = "training-events";

  @Inject TrainingEventHandler handler;
  @Inject MeterRegistry registry;

  @Incoming(CHANNEL)
  @Blocking
  public void consume(ConsumerRecord<String, String> record) {
    TrainingEvent event;
    try {
      event = ContractCodec.decode(record.value(), TrainingEvent.class);
    } catch (UnsupportedSchemaVersionException | MalformedMessageException e) {
      Log.warnf(
          "Skipping record at %s-%d offset %d (key %s): %s",
          record.topic(), record.partition(), record.offset(), record.key(), e.getMessage());
      registry.counter("saguaro.ingest.training-events", "outcome", "malformed").increment();
      return;
    }
    try {
      TrainingEventHandler.Outcome outcome = handler.applyEvent(event);
      registry
          .counter("saguaro.ingest.training-events", "outcome", outcome.name().toLowerCase())
          .increment();
    } catch (RuntimeException e) {
      Log.errorf(
          e,
          "Applying %s event %s of run %s (attempt %d, sequence %d) from %s-%d offset %d failed;"
              + " skipped, the run lease recovers the run",
          event.type(),
          event.eventId(),
          event.runId(),
          event.attempt(),
          event.sequence(),
          record.topic(),
          record.partition(),
          record.offset());
      registry.counter("saguaro.ingest.training-events", "outcome", "failed").increment();
    }
  }
}
