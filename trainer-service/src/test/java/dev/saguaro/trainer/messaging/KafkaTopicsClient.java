package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The test's side of the trainer's topics on the real broker: sends requests and cancellations as
 * the ingest service would, and records every training event and model-version announcement in a
 * background consumer. One instance per test JVM, created on first use.
 */
public final class KafkaTopicsClient {

  private static KafkaTopicsClient instance;

  private final String bootstrapServers;
  private final KafkaProducer<String, String> producer;
  private final List<TrainingEvent> events = new CopyOnWriteArrayList<>();
  private final List<ConsumerRecord<String, String>> announcements = new CopyOnWriteArrayList<>();
  private final Map<String, List<Long>> requestOffsetsByKey =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Thread recorder;

  private KafkaTopicsClient(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    createTopics();
    Properties producerConfig = new Properties();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    this.producer = new KafkaProducer<>(producerConfig);
    this.recorder = new Thread(this::record, "test-kafka-recorder");
    recorder.setDaemon(true);
    recorder.start();
  }

  /** Returns the client of the running Quarkus test's broker, created on first use. */
  public static synchronized KafkaTopicsClient get() {
    if (instance == null) {
      String bootstrap =
          ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
      instance = new KafkaTopicsClient(bootstrap);
    }
    return instance;
  }

  /** Sends {@code value} under {@code key} to {@code topic} and waits for the broker. */
  public RecordMetadata send(String topic, String key, String value) {
    try {
      RecordMetadata sent =
          producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
      if (topic.equals(Topics.TRAINING_REQUESTS)) {
        requestOffsetsByKey
            .computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
            .add(sent.offset());
      }
      return sent;
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Sending to " + topic + " failed", e);
    }
  }

  /** Returns the offsets of the requests this client sent under {@code key}. */
  public List<Long> requestOffsets(String key) {
    return List.copyOf(requestOffsetsByKey.getOrDefault(key, List.of()));
  }

  /** Events of {@code runId} recorded so far, in topic order. */
  public List<TrainingEvent> eventsOf(String runId) {
    return events.stream().filter(event -> event.runId().equals(runId)).toList();
  }

  /** Events of {@code runId} of one type. */
  public List<TrainingEvent> eventsOf(String runId, TrainingEventType type) {
    return eventsOf(runId).stream().filter(event -> event.type() == type).toList();
  }

  /** Announcements recorded so far, as raw records (key and JSON value). */
  public List<ConsumerRecord<String, String>> announcementRecords() {
    return List.copyOf(announcements);
  }

  /** Decodes an announcement record. */
  public static ModelVersionAnnouncement decodeAnnouncement(ConsumerRecord<String, String> record) {
    return ContractCodec.decode(record.value(), ModelVersionAnnouncement.class);
  }

  /**
   * Returns the offset that the trainers' group committed on the requests topic (partition 0, the
   * only one on the test broker), or -1 when it committed none. A committed offset past a record
   * shows that the trainer acknowledged it.
   */
  public long committedRequestOffset() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets("saguaro-trainers")
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      OffsetAndMetadata committed = offsets.get(new TopicPartition(Topics.TRAINING_REQUESTS, 0));
      return committed == null ? -1 : committed.offset();
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Reading committed offsets failed", e);
    }
  }

  private void createTopics() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (String topic :
          List.of(
              Topics.TRAINING_REQUESTS,
              Topics.TRAINING_EVENTS,
              Topics.TRAINING_CONTROL,
              Topics.MODEL_VERSIONS)) {
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
              .all()
              .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Creating topic " + topic + " failed", e);
          }
        }
      }
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("Creating topics failed", e);
    }
  }

  private void record() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-recorder-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(Topics.TRAINING_EVENTS, Topics.MODEL_VERSIONS));
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(Topics.TRAINING_EVENTS)) {
            events.add(ContractCodec.decode(record.value(), TrainingEvent.class));
          } else {
            announcements.add(record);
          }
        }
      }
    }
  }
}
