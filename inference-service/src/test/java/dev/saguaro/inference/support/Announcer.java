package dev.saguaro.inference.support;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes model announcements on the real broker, the way the trainer and the ingest service do.
 * The topic is created compacted, as the deployment creates it.
 */
public final class Announcer implements AutoCloseable {

  private final KafkaProducer<String, String> producer;
  private final String topic;

  public Announcer(String bootstrapServers) {
    this(bootstrapServers, Topics.MODEL_VERSIONS);
  }

  public Announcer(String bootstrapServers, String topic) {
    this.topic = topic;
    createCompactedTopic(bootstrapServers, topic);
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
  }

  /** Announces a new version whose artifact is {@code bytes} at {@code uri}. */
  public ModelArtifact announceNewVersion(
      String modelName, long version, String uri, byte[] bytes) {
    return announceNewVersion(modelName, version, uri, Artifacts.sha256(bytes), bytes.length);
  }

  /** Announces a new version with the given checksum and size, which may be wrong on purpose. */
  public ModelArtifact announceNewVersion(
      String modelName, long version, String uri, String sha256, long sizeBytes) {
    ModelArtifact artifact = artifact(modelName, version, uri, sha256, sizeBytes);
    send(announcement(modelName, AnnouncementKind.NEW_VERSION, artifact, SchemaVersion.CURRENT));
    return artifact;
  }

  public void announcePin(ModelArtifact artifact) {
    send(
        announcement(
            artifact.modelName(), AnnouncementKind.PINNED, artifact, SchemaVersion.CURRENT));
  }

  public void announcePinReleased(String modelName) {
    send(announcement(modelName, AnnouncementKind.PIN_RELEASED, null, SchemaVersion.CURRENT));
  }

  /** Sends a raw value under {@code key}, for records that a valid producer would never send. */
  public void sendRaw(String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Sending to " + topic + " failed", e.getCause());
    }
  }

  public static ModelArtifact artifact(
      String modelName, long version, String uri, String sha256, long sizeBytes) {
    return new ModelArtifact(
        modelName, version, uri, sha256, sizeBytes, TinyModels.CLASS_NAMES, TinyModels.IMAGE_SIZE);
  }

  public static ModelVersionAnnouncement announcement(
      String modelName, AnnouncementKind kind, ModelArtifact artifact, String schemaVersion) {
    return new ModelVersionAnnouncement(
        schemaVersion,
        modelName,
        kind,
        artifact,
        artifact == null ? null : "run-" + artifact.version(),
        null,
        null,
        null,
        "test",
        Instant.now());
  }

  public void send(ModelVersionAnnouncement announcement) {
    sendRaw(announcement.key(), ContractCodec.encode(announcement));
  }

  @Override
  public void close() {
    producer.close();
  }

  private static void createCompactedTopic(String bootstrapServers, String topic) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Cannot create topic " + topic, e.getCause());
      }
    }
  }
}
