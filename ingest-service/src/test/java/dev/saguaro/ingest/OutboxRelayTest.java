package dev.saguaro.ingest;

import static dev.saguaro.ingest.ImageApiTest.newDataset;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.saguaro.contracts.Topics;
import dev.saguaro.testing.KafkaBrokerProcess;
import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OutboxRelayTest {

  @Test
  void queuedRequestsPublishOnceInOrder() {
    KafkaBrokerProcess broker =
        KafkaTestResource.broker()
            .orElseThrow(
                () -> new IllegalStateException("This test stops the broker, so it needs its own"));
    String dataset = newDataset();
    DatasetSnapshotApiTest.seedImages(dataset, 2, "cat", "dog");

    broker.stop();
    List<String> runIds = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        runIds.add(TrainingRunApiTest.createRun(dataset, null));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(503));
    } finally {
      broker.start();
    }

    List<ConsumerRecord<String, String>> records =
        KafkaTestClients.readUntil(
            Topics.TRAINING_REQUESTS,
            r -> r.stream().filter(x -> runIds.contains(x.key())).count() >= runIds.size(),
            Duration.ofSeconds(90),
            Duration.ofSeconds(3));
    List<String> published =
        records.stream().map(ConsumerRecord::key).filter(runIds::contains).toList();
    assertThat(published).containsExactlyElementsOf(runIds);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200));
  }
}
