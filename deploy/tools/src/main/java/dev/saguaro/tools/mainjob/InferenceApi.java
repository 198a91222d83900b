package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The calls of the main job to the inference service: predictions and model status. */
public final class InferenceApi {

  /** Most images the inference service accepts in one request by default. */
  public static final int MAX_IMAGES_PER_REQUEST = 32;

  private final JsonHttpClient http;

  public InferenceApi(URI baseUrl) {
    this.http = new JsonHttpClient(baseUrl, Duration.ofSeconds(60));
  }

  /** Returns the underlying client, for health probes. */
  public JsonHttpClient http() {
    return http;
  }

  /**
   * Classifies {@code images} with {@code POST /api/v1/models/{model}/predictions}, sending them
   * base64-encoded in JSON.
   *
   * @return one prediction per image, in the order of {@code images}
   * @throws HttpCallException on any status but 200, such as 503 while no version serves
   */
  public List<Prediction> predict(String modelName, List<TestImage> images) {
    if (images.size() > MAX_IMAGES_PER_REQUEST) {
      throw new IllegalArgumentException(
          images.size() + " images in one request; send at most " + MAX_IMAGES_PER_REQUEST);
    }
    List<Map<String, String>> encoded = new ArrayList<>(images.size());
    Base64.Encoder base64 = Base64.getEncoder();
    for (TestImage image : images) {
      encoded.add(Map.of("name", image.name(), "data", base64.encodeToString(image.png())));
    }
    JsonNode response =
        http.postJson(
            "/api/v1/models/" + encode(modelName) + "/predictions",
            Map.of("images", encoded),
            null);
    List<Prediction> predictions = new ArrayList<>(images.size());
    for (JsonNode prediction : response.path("predictions")) {
      Map<String, Double> probabilities = new LinkedHashMap<>();
      prediction
          .path("probabilities")
          .fields()
          .forEachRemaining(
              entry -> probabilities.put(entry.getKey(), entry.getValue().asDouble()));
      predictions.add(
          new Prediction(
              prediction.path("predictedClass").asText(),
              probabilities,
              prediction.path("modelVersion").asLong()));
    }
    if (predictions.size() != images.size()) {
      throw new HttpCallException(
          "The inference service returned "
              + predictions.size()
              + " predictions for "
              + images.size()
              + " images",
          200,
          null);
    }
    return predictions;
  }

  /** Returns the version that serves {@code modelName}, or empty while none does. */
  public Optional<Long> getServingVersion(String modelName) {
    return http.getOptional("/api/v1/models/" + encode(modelName))
        .map(status -> status.path("servingVersion"))
        .filter(version -> version.isIntegralNumber())
        .map(JsonNode::asLong);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * The prediction for one image.
   *
   * @param probabilities probability of each class, by class name
   * @param modelVersion the version that classified the image
   */
  public record Prediction(
      String predictedClass, Map<String, Double> probabilities, long modelVersion) {}
}
