package dev.saguaro.trainer.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.trainer.config.TrainerConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The trainer's calls to the ingest service: claims, snapshot archives, the served model and model
 * uploads. Every call is retried with back-off (see {@link TrainerConfig.IngestCalls}); the API key
 * goes only to the configured ingest base URL, never to URIs taken from messages. Thread-safe.
 */
@ApplicationScoped
public class IngestClient {

  private static final String API_KEY_HEADER = "X-API-Key";
  private static final String JSON = "application/json";

  private final TrainerConfig config;
  private final HttpClient http;
  private final HttpClient authorizedHttp;
  private final RetryingCaller retrying;
  private final ObjectMapper mapper = ContractCodec.mapper();

  public IngestClient(TrainerConfig config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(config.ingest().connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    // Calls that carry the API key follow no redirect, so that the key cannot reach another host.
    this.authorizedHttp =
        HttpClient.newBuilder()
            .connectTimeout(config.ingest().connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.retrying = new RetryingCaller(config.ingest());
  }

  /** Reads the body of a streamed download; IO errors other than a bad format are retried. */
  @FunctionalInterface
  public interface StreamReader<T> {
    T read(InputStream body) throws IOException;
  }

  /**
   * Claims attempt {@code attempt} of run {@code runId} for {@code trainerId}.
   *
   * @return granted, or rejected with the ingest service's reason (409: claimed elsewhere,
   *     finished, cancelled or superseded)
   * @throws IngestUnavailableException when the ingest service does not respond after retries
   * @throws IngestRejectedException on any other client error
   */
  public ClaimOutcome claimAttempt(String runId, int attempt, String trainerId) {
    URI uri = ingestUri("/api/v1/runs/" + segment(runId) + "/claims");
    String body = json(Map.of("trainerId", trainerId, "attempt", attempt));
    HttpRequest request =
        authorized(uri)
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();

    return retrying.call(
        runId,
        "claiming attempt " + attempt,
        () -> {
          HttpResponse<String> response =
              authorizedHttp.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 409) {
            return ClaimOutcome.rejected(problemDetail(response.body()));
          }
          requireSuccess(response.statusCode(), "claim of run " + runId, response.body());
          JsonNode claim = mapper.readTree(response.body());
          return ClaimOutcome.granted(claim.path("leaseSeconds").asLong(0));
        });
  }

  /**
   * Downloads {@code archiveUri} and hands the streamed body to {@code reader}. A broken connection
   * restarts the download from the beginning.
   */
  public <T> T readSnapshotArchive(String runId, URI archiveUri, StreamReader<T> reader) {
    HttpRequest request =
        HttpRequest.newBuilder(archiveUri).timeout(requestTimeout()).GET().build();
    return retrying.call(
        runId,
        "downloading snapshot archive " + archiveUri,
        () -> {
          HttpResponse<InputStream> response =
              http.send(request, HttpResponse.BodyHandlers.ofInputStream());
          try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
              requireSuccess(
                  response.statusCode(), "snapshot archive " + archiveUri, readSome(body));
            }
            return reader.read(body);
          }
        });
  }

  /**
   * Returns the model version that the ingest service serves for {@code modelName} (the pinned
   * version, else the newest), or empty when the model has no version yet.
   */
  public Optional<ModelArtifact> findServingModel(String runId, String modelName) {
    URI uri = ingestUri("/api/v1/models/" + segment(modelName) + "/serving");
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(requestTimeout()).header("Accept", JSON).GET().build();
    return retrying.call(
        runId,
        "looking up the served version of model " + modelName,
        () -> {
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 404) {
            return Optional.empty();
          }
          requireSuccess(response.statusCode(), "served model " + modelName, response.body());
          return Optional.of(mapper.readValue(response.body(), ModelArtifact.class));
        });
  }

  /**
   * Downloads the artifact zip of {@code artifact} to {@code target} and returns the lowercase hex
   * SHA-256 of the bytes written, which the caller compares with the announced one.
   */
  public String downloadArtifact(String runId, ModelArtifact artifact, Path target) {
    URI uri = URI.create(artifact.artifactUri());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout()).GET().build();
    return retrying.call(
        runId,
        "downloading model " + artifact.modelName() + " version " + artifact.version(),
        () -> {
          HttpResponse<InputStream> response =
              http.send(request, HttpResponse.BodyHandlers.ofInputStream());
          try (InputStream body = response.body()) {
            requireSuccess(response.statusCode(), "artifact " + uri, "");
            DigestInputStream digesting = new DigestInputStream(body, Sha256.newDigest());
            Files.copy(digesting, target, StandardCopyOption.REPLACE_EXISTING);
            return Sha256.hex(digesting.getMessageDigest().digest());
          }
        });
  }

  /**
   * Uploads {@code artifactZip} as a new version of {@code modelName}, produced by run {@code
   * runId}, and returns the stored version as the ingest service describes it.
   */
  public ModelArtifact uploadModelVersion(String runId, String modelName, Path artifactZip) {
    URI uri = ingestUri("/api/v1/models/" + segment(modelName) + "/versions");
    String boundary = "saguaro-" + UUID.randomUUID();
    String head =
        part(boundary, "runId", null, "text/plain; charset=UTF-8")
            + runId
            + "\r\n"
            + part(boundary, "artifact", artifactZip.getFileName().toString(), "application/zip");
    String tail = "\r\n--" + boundary + "--\r\n";

    return retrying.call(
        runId,
        "uploading model " + modelName,
        () -> {
          HttpRequest request =
              authorized(uri)
                  .timeout(requestTimeout())
                  .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                  .header("Accept", JSON)
                  .POST(
                      HttpRequest.BodyPublishers.concat(
                          HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                          HttpRequest.BodyPublishers.ofFile(artifactZip),
                          HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8)))
                  .build();
          HttpResponse<String> response =
              authorizedHttp.send(request, HttpResponse.BodyHandlers.ofString());
          requireSuccess(response.statusCode(), "upload of model " + modelName, response.body());
          return mapper.readValue(response.body(), ModelArtifact.class);
        });
  }

  private static String part(String boundary, String name, String fileName, String contentType) {
    String disposition = "form-data; name=\"" + name + "\"";
    if (fileName != null) {
      disposition += "; filename=\"" + fileName + "\"";
    }
    return "--"
        + boundary
        + "\r\nContent-Disposition: "
        + disposition
        + "\r\nContent-Type: "
        + contentType
        + "\r\n\r\n";
  }

  private HttpRequest.Builder authorized(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(requestTimeout())
        .header(API_KEY_HEADER, config.ingestApiKey());
  }

  private java.time.Duration requestTimeout() {
    return config.ingest().requestTimeout();
  }

  private URI ingestUri(String path) {
    String base = config.ingestBaseUrl().toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private String json(Map<String, Object> fields) {
    try {
      return mapper.writeValueAsString(fields);
    } catch (IOException e) {
      throw new IllegalArgumentException("Failed to encode " + fields.keySet(), e);
    }
  }

  /**
   * Throws the right exception for a non-2xx status: retryable for 408, 429 and 5xx, rejected (with
   * the problem's detail) for other 4xx.
   */
  private void requireSuccess(int status, String what, String body) {
    if (status >= 200 && status < 300) {
      return;
    }
    String detail = problemDetail(body);
    String message =
        what + " responded with HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    if (RetryingCaller.RetryableStatusException.isRetryable(status)) {
      throw new RetryingCaller.RetryableStatusException(message);
    }
    Log.debugf("Ingest rejected %s with HTTP %d: %s", what, status, detail);
    throw new IngestRejectedException(status, message);
  }

  /** Returns the {@code detail} (else {@code title}) of an RFC 7807 body, or the body's start. */
  private String problemDetail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode problem = mapper.readTree(body);
      for (String field : List.of("detail", "title")) {
        if (problem.hasNonNull(field)) {
          return problem.get(field).asText();
        }
      }
    } catch (IOException notJson) {
      // Fall through: show the start of the plain-text body.
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }

  private static String readSome(InputStream body) throws IOException {
    return new String(body.readNBytes(2_000), StandardCharsets.UTF_8);
  }
}
