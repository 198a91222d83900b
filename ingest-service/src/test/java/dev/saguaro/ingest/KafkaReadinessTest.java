package dev.saguaro.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.saguaro.testing.KafkaBrokerProcess;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(AbsentKafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class KafkaReadinessTest {

  @Test
  void notReadyUntilBrokerStartsThenReady() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body("status", equalTo("DOWN"))
        .body("checks.find { it.name == 'Kafka cluster' }.status", equalTo("DOWN"))
        .body(
            "checks.find { it.name == 'Kafka cluster' }.data.reason",
            containsString("127.0.0.1:" + AbsentKafkaTestResource.port()));
    given().get("/q/health/live").then().statusCode(200);

    try (KafkaBrokerProcess broker = KafkaBrokerProcess.onPort(AbsentKafkaTestResource.port())) {
      broker.start();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  given()
                      .get("/q/health/ready")
                      .then()
                      .statusCode(200)
                      .body("status", equalTo("UP")));
    }
  }
}
