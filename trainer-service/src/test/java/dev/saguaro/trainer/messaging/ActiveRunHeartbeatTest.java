package dev.saguaro.trainer.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import dev.saguaro.contracts.Topics;
import dev.saguaro.contracts.TrainingEvent;
import dev.saguaro.contracts.TrainingEventType;
import dev.saguaro.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * While a run is in progress (here: held in its snapshot download), the trainer publishes a
 * HEARTBEAT every second (the test profile's interval) and lists the run on its status endpoint.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = IngestStandInResource.class, restrictToAnnotatedClass = false)
class ActiveRunHeartbeatTest {

  @Test
  void activeRunSendsHeartbeatsAndShowsInStatus() {
    IngestEndpointsStandIn ingest = IngestStandInResource.standIn();
    KafkaTopicsClient kafka = KafkaTopicsClient.get();
    String runId = TrainingRequests.newId("heartbeat");
    String snapshotId = TrainingRequests.newId("snapshot");
    ingest.putSnapshot(
        snapshotId,
        SnapshotArchives.archive(
            snapshotId, "default", SnapshotArchives.generate(List.of("1"), 5, 32, 5)));
    ingest.holdSnapshot(snapshotId);

    try {
      kafka.send(
          Topics.TRAINING_REQUESTS,
          runId,
          TrainingRequests.encode(
              TrainingRequests.request(
                  ingest, runId, "default", snapshotId, TrainingRequests.tinyRecipe())));

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> kafka.eventsOf(runId, TrainingEventType.HEARTBEAT).size() >= 3);
      given()
          .when()
          .get("/api/v1/status")
          .then()
          .statusCode(200)
          .body("maxConcurrentRuns", org.hamcrest.Matchers.equalTo(1))
          .body("activeRuns.runId", hasItem(runId))
          .body("activeRuns.stage", hasItem("DOWNLOADING_SNAPSHOT"));
    } finally {
      ingest.releaseSnapshot(snapshotId);
    }

    TrainingEvent outcome = KafkaTestWaits.awaitFinalEvent(kafka, runId, Duration.ofSeconds(60));
    List<TrainingEvent> events = kafka.eventsOf(runId);
    assertThat(events.get(0).type()).isEqualTo(TrainingEventType.STARTED);
    assertThat(events.stream().map(TrainingEvent::sequence).toList())
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
    assertThat(events.get(events.size() - 1)).isEqualTo(outcome);
    given()
        .when()
        .get("/api/v1/status")
        .then()
        .statusCode(200)
        .body("activeRuns.runId", org.hamcrest.Matchers.not(hasItem(runId)));
  }
}
