package dev.saguaro.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.saguaro.testing.KafkaTestResource;
import dev.saguaro.testing.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ServiceEndpointsTest {

  @Test
  void openApiDocumentsApiKeyScheme() {
    given()
        .queryParam("format", "json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("components.securitySchemes.apiKey.name", equalTo("X-API-Key"))
        .body("components.securitySchemes.apiKey.in", equalTo("header"))
        .body(containsString("/api/v1/runs/{id}/claims"));
    given().get("/q/swagger-ui/").then().statusCode(200);
  }

  @Test
  void readinessReportsDatabaseAndKafka() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'Kafka cluster' }.status", equalTo("UP"))
        .body(containsString("Database connections health check"));
  }

  @Test
  void metricsAreExported() {
    given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
  }

  @Test
  void unknownPathIsProblemDocument() {
    given()
        .get("/api/v1/nothing-here")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }
}
