package dev.saguaro.inference.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.inference.metrics.InferenceMetrics;
import dev.saguaro.inference.serving.ModelLifecycle;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies every record of the model announcement topic (channel {@value #CHANNEL}, topic {@code
 * saguaro.model-versions} by default) to the {@link ModelLifecycle}.
 *
 * <p>Each replica reads the whole topic from the beginning on every start, in a consumer group of
 * its own and without committing offsets, so that every replica applies every announcement. A
 * record that cannot be applied (unknown major schema version, malformed JSON, missing fields) is
 * logged once at WARN with its topic, partition and offset, counted in {@code
 * saguaro_inference_announcements_skipped_total}, and skipped; the channel keeps going.
 */
@ApplicationScoped
public class ModelAnnouncementConsumer {

  /** Channel bound to the announcement topic in {@code application.properties}. */
  public static final String CHANNEL = "model-announcements";

  private final ModelLifecycle lifecycle;
  private final AnnouncementReplayTracker replay;
  private final InferenceMetrics metrics;

  public ModelAnnouncementConsumer(
      ModelLifecycle lifecycle,
      @Identifier(AnnouncementReplayTracker.NAME) AnnouncementReplayTracker replay,
      InferenceMetrics metrics) {
    this.lifecycle = lifecycle;
    this.replay = replay;
    this.metrics = metrics;
  }

  @Incoming(CHANNEL)
  public void onAnnouncement(ConsumerRecord<String, String> record) {
    try {
      apply(record);
    } finally {
      replay.recordProcessed(record.topic(), record.partition(), record.offset());
    }
  }

  private void apply(ConsumerRecord<String, String> record) {
    if (record.value() == null) {
      applyTombstone(record);
      return;
    }
    ModelVersionAnnouncement announcement;
    try {
      announcement = ContractCodec.decode(record.value(), ModelVersionAnnouncement.class);
    } catch (UnsupportedSchemaVersionException e) {
      skip(record, "schema-version", e.getMessage());
      return;
    } catch (MalformedMessageException e) {
      skip(record, "malformed", e.getMessage());
      return;
    }
    if (record.key() != null && !record.key().equals(announcement.key())) {
      Log.warnf(
          "Announcement at %s-%d@%d has key '%s' but its content belongs under '%s'; applying it",
          record.topic(), record.partition(), record.offset(), record.key(), announcement.key());
    }
    try {
      lifecycle.applyAnnouncement(announcement);
    } catch (IllegalArgumentException e) {
      skip(record, "invalid", e.getMessage());
    }
  }

  private void applyTombstone(ConsumerRecord<String, String> record) {
    String key = record.key();
    if (key != null && key.endsWith(ModelVersionAnnouncement.pinKey(""))) {
      lifecycle.applyPinTombstone(
          key.substring(0, key.length() - ModelVersionAnnouncement.pinKey("").length()));
      return;
    }
    // NOTE: deleting a model's newest-version record does not stop serving it. Only a new version,
    // a pin or a restart without that record changes what serves.
    Log.infof(
        "Ignoring tombstone for key '%s' at %s-%d@%d",
        key, record.topic(), record.partition(), record.offset());
  }

  private void skip(ConsumerRecord<String, String> record, String reason, String message) {
    metrics.countSkippedAnnouncement(reason);
    Log.warnf(
        "Skipping announcement at %s-%d@%d (key '%s'): %s",
        record.topic(), record.partition(), record.offset(), record.key(), message);
  }
}
