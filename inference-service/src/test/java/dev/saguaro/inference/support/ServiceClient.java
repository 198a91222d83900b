package dev.saguaro.inference.support;

import static io.restassured.RestAssured.given;

import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.microprofile.config.ConfigProvider;

/** Calls the running service on 127.0.0.1, for tests. */
public final class ServiceClient {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServiceClient() {}

  /** Bootstrap servers of the broker the application under test uses. */
  public static String bootstrapServers() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  /** The serving version of {@code model}, or {@code null}. */
  public static Long servingVersion(String model) {
    JsonPath status = modelStatus(model);
    return status == null ? null : status.getObject("servingVersion", Long.class);
  }

  /** Returns the state of {@code version} in the status listing, or {@code null}. */
  public static String versionState(String model, long version) {
    JsonPath status = modelStatus(model);
    if (status == null) {
      return null;
    }
    return status.getString("versions.find { it.version == " + version + " }.state");
  }

  /** Returns the status document of {@code model}, or {@code null} while it is unknown. */
  public static JsonPath modelStatus(String model) {
    var response = given().get("/api/v1/models/" + model);
    return response.statusCode() == 200 ? response.jsonPath() : null;
  }

  /** Posts a raw PNG with java.net.http, for load loops; returns status and body. */
  public static HttpResponse<String> postPng(int port, String model, byte[] png) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/models/" + model + "/predictions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "image/png")
            .POST(HttpRequest.BodyPublishers.ofByteArray(png))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Returns the sum of the Prometheus samples whose line starts with {@code sampleStart}, such as
   * {@code name{tag="x"}}, or 0 when absent.
   */
  public static double metric(String sampleStart) {
    String body = given().get("/q/metrics").asString();
    double total = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(sampleStart)) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
