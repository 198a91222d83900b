package dev.saguaro.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class KafkaBrokerProcessTest {

  private static final Logger LOG = Logger.getLogger(KafkaBrokerProcessTest.class);

  @Test
  void recordSurvivesBrokerRestart() throws Exception {
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.onFreePorts()) {
      broker.start();
      produce(broker.bootstrapServers(), "test-topic", "run-1", "hello");

      broker.stop();
      assertThat(broker.isRunning()).isFalse();
      broker.start();

      List<ConsumerRecord<String, String>> records =
          consumeAll(broker.bootstrapServers(), "test-topic", 1);
      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo("run-1");
      assertThat(records.get(0).value()).isEqualTo("hello");
      LOG.infof(
          "Produced and consumed record %s=%s through Kafka at %s across a broker restart",
          records.get(0).key(), records.get(0).value(), broker.bootstrapServers());
    }
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  private static List<ConsumerRecord<String, String>> consumeAll(
      String bootstrap, String topic, int expected) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-" + System.nanoTime(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records;
  }
}
