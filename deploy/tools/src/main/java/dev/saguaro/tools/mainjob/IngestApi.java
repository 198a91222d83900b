package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The calls of the main job to the ingest service's REST API ({@code /api/v1}): bulk imports,
 * training runs and model versions. Responses are returned as JSON trees, so that this tooling does
 * not depend on the service's classes.
 */
public final class IngestApi {

  private final JsonHttpClient http;
  private final String apiKey;

  /**
   * Creates the client.
   *
   * @param apiKey value of the {@code X-API-Key} header on write calls
   */
  public IngestApi(URI baseUrl, String apiKey) {
    this.http = new JsonHttpClient(baseUrl, Duration.ofMinutes(5));
    this.apiKey = apiKey;
  }

  /** Returns the underlying client, for health probes. */
  public JsonHttpClient http() {
    return http;
  }

  /**
   * Uploads a zip in the Kaggle layout to {@code POST /api/v1/datasets/{dataset}/imports} and
   * returns the import's status document (202).
   *
   * @param labelColumn name of the CSV's label column, such as {@code has_footwear}
   */
  public JsonNode startImport(String dataset, Path zip, String labelColumn) {
    byte[] body;
    try {
      body = Files.readAllBytes(zip);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the archive " + zip, e);
    }
    String path =
        "/api/v1/datasets/" + encode(dataset) + "/imports?labelColumn=" + encode(labelColumn);
    return http.postBytes(path, body, "application/zip", apiKey);
  }

  /** Returns an import's progress or report, {@code GET /api/v1/imports/{id}}. */
  public JsonNode getImport(String importId) {
    return http.get("/api/v1/imports/" + encode(importId));
  }

  /** Returns the runs of {@code modelName}, newest first (the first page of 500). */
  public List<JsonNode> listRuns(String modelName) {
    JsonNode runs = http.get("/api/v1/runs?size=500&modelName=" + encode(modelName));
    List<JsonNode> result = new ArrayList<>();
    runs.forEach(result::add);
    return result;
  }

  /** Returns a run with its state, trigger, hyperparameters and metrics history. */
  public JsonNode getRun(String runId) {
    return http.get("/api/v1/runs/" + encode(runId));
  }

  /** Returns the version that should be served, or empty when the model has none yet. */
  public Optional<JsonNode> getServingVersion(String modelName) {
    return http.getOptional("/api/v1/models/" + encode(modelName) + "/serving");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
