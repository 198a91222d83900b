package dev.saguaro.inference.artifact;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.serving.LoadStep;
import dev.saguaro.inference.serving.ModelLoadException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Downloads a model artifact to a local file and verifies its SHA-256 against the announcement.
 *
 * <p>{@code http}, {@code https} and {@code file} URIs are accepted. A download that fails with an
 * I/O error or an HTTP 5xx is tried again with a growing pause, up to {@code
 * saguaro.inference.loading.download-attempts} times; a checksum or size mismatch is not retried,
 * because the same bytes would come back. Thread-safe.
 */
@ApplicationScoped
public class ArtifactFetcher {

  private final InferenceConfig.Loading config;
  private final HttpClient httpClient;

  public ArtifactFetcher(InferenceConfig config) {
    this.config = config.loading();
    this.httpClient =
        HttpClient.newBuilder()
            .connectTimeout(this.config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Downloads {@code artifact} to {@code target} and checks its size and SHA-256.
   *
   * @throws ModelLoadException at step {@link LoadStep#DOWNLOAD} when every attempt failed or the
   *     artifact is too large, and at {@link LoadStep#VERIFY_CHECKSUM} when the bytes do not match
   */
  public void fetch(ModelArtifact artifact, Path target) throws ModelLoadException {
    URI uri = parseUri(artifact.artifactUri());
    Duration backoff = config.downloadRetryBackoff();
    int attempts = Math.max(1, config.downloadAttempts());
    String digest = null;
    for (int attempt = 1; digest == null; attempt++) {
      try {
        digest = download(uri, target);
      } catch (TransientDownloadException e) {
        if (attempt >= attempts) {
          throw new ModelLoadException(
              LoadStep.DOWNLOAD,
              "download of " + uri + " failed after " + attempts + " attempts: " + e.getMessage(),
              e);
        }
        Log.warnf(
            "Download of model %s version %d from %s failed (attempt %d of %d): %s; retrying in %d ms",
            artifact.modelName(),
            artifact.version(),
            uri,
            attempt,
            attempts,
            e.getMessage(),
            backoff.toMillis());
        pause(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    verify(artifact, target, digest);
  }

  private void verify(ModelArtifact artifact, Path target, String digest)
      throws ModelLoadException {
    long size;
    try {
      size = Files.size(target);
    } catch (IOException e) {
      throw new ModelLoadException(LoadStep.DOWNLOAD, "cannot read the downloaded file", e);
    }
    String expected = artifact.sha256() == null ? "" : artifact.sha256().toLowerCase(Locale.ROOT);
    if (!expected.equals(digest)) {
      throw new ModelLoadException(
          LoadStep.VERIFY_CHECKSUM,
          "SHA-256 mismatch: the announcement says "
              + expected
              + " but the "
              + size
              + " downloaded bytes hash to "
              + digest
              + "; republish the artifact or its announcement");
    }
    if (artifact.sizeBytes() > 0 && artifact.sizeBytes() != size) {
      throw new ModelLoadException(
          LoadStep.VERIFY_CHECKSUM,
          "size mismatch: the announcement says " + artifact.sizeBytes() + " bytes, got " + size);
    }
  }

  private String download(URI uri, Path target)
      throws ModelLoadException, TransientDownloadException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    try {
      return switch (scheme) {
        case "file" -> copyWithDigest(Files.newInputStream(Path.of(uri)), target);
        case "http", "https" -> downloadHttp(uri, target);
        default ->
            throw new ModelLoadException(
                LoadStep.DOWNLOAD,
                "unsupported artifact URI scheme '"
                    + scheme
                    + "' in "
                    + uri
                    + "; use http, https or file");
      };
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          LoadStep.DOWNLOAD, "invalid file URI " + uri + "; use an absolute file:/// URI", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ModelLoadException(
          LoadStep.DOWNLOAD, "artifact file " + uri + " does not exist", e);
    } catch (IOException e) {
      throw new TransientDownloadException(
          e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
  }

  private String downloadHttp(URI uri, Path target)
      throws IOException, ModelLoadException, TransientDownloadException {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(config.downloadTimeout()).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelLoadException(LoadStep.DOWNLOAD, "interrupted while downloading " + uri, e);
    }
    int status = response.statusCode();
    if (status >= 500) {
      response.body().close();
      throw new TransientDownloadException("HTTP " + status + " from " + uri, null);
    }
    if (status != 200) {
      response.body().close();
      throw new ModelLoadException(LoadStep.DOWNLOAD, "HTTP " + status + " from " + uri);
    }
    return copyWithDigest(response.body(), target);
  }

  private String copyWithDigest(InputStream source, Path target)
      throws IOException, ModelLoadException {
    MessageDigest sha256 = newSha256();
    long limit = config.maxArtifactBytes();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = source;
        OutputStream out = Files.newOutputStream(target)) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        total += read;
        if (total > limit) {
          throw new ModelLoadException(
              LoadStep.DOWNLOAD,
              "artifact is larger than saguaro.inference.loading.max-artifact-bytes = " + limit);
        }
        sha256.update(buffer, 0, read);
        out.write(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static URI parseUri(String value) throws ModelLoadException {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ModelLoadException(LoadStep.DOWNLOAD, "invalid artifact URI '" + value + "'", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime provides SHA-256", e);
    }
  }

  private static void pause(Duration duration) throws ModelLoadException {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelLoadException(LoadStep.DOWNLOAD, "interrupted while waiting to retry", e);
    }
  }

  /** A failure that a later attempt may not meet: an I/O error or an HTTP 5xx. */
  private static final class TransientDownloadException extends Exception {
    TransientDownloadException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
