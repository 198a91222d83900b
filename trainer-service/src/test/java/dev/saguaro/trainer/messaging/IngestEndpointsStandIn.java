package dev.saguaro.trainer.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A stand-in for the ingest service's trainer-facing endpoints, on a JDK {@link HttpServer} bound
 * to 127.0.0.1, for the trainer's own tests. It follows the contract the trainer relies on: claims
 * (200, or 409 with a problem document once an attempt of the run was claimed or superseded),
 * snapshot archives, model uploads (multipart {@code runId} + {@code artifact}, 201 with a {@link
 * ModelArtifact} whose SHA-256 is computed here and whose class names and image size come from the
 * zip's metadata entry), artifact downloads with {@code X-Checksum-SHA256}, and the served model.
 *
 * <p>The real ingest service, with its database and lease handling, is exercised in the end-to-end
 * test; this stand-in keeps state in memory. A test can hold a snapshot download open with {@link
 * #holdSnapshot(String)} to keep a run in progress. Thread-safe.
 */
public final class IngestEndpointsStandIn implements AutoCloseable {

  public static final String API_KEY = "local-dev-key";

  private static final Pattern CLAIMS = Pattern.compile("/api/v1/runs/([^/]+)/claims");
  private static final Pattern ARCHIVE = Pattern.compile("/api/v1/snapshots/([^/]+)/archive");
  private static final Pattern VERSIONS = Pattern.compile("/api/v1/models/([^/]+)/versions");
  private static final Pattern ARTIFACT =
      Pattern.compile("/api/v1/models/([^/]+)/versions/(\\d+)/artifact");
  private static final Pattern SERVING = Pattern.compile("/api/v1/models/([^/]+)/serving");

  private final ObjectMapper mapper = ContractCodec.mapper();
  private final HttpServer server;
  private final Map<String, byte[]> snapshotArchives = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> snapshotHolds = new ConcurrentHashMap<>();
  private final Map<String, Integer> claimedAttempts = new ConcurrentHashMap<>();
  private final List<ClaimRequest> claimRequests = new CopyOnWriteArrayList<>();
  private final Map<String, List<StoredVersion>> versionsByModel = new ConcurrentHashMap<>();
  private final List<String> artifactDownloads = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger requestCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger failuresToServe =
      new java.util.concurrent.atomic.AtomicInteger();

  /** One claim call as received, with the HTTP status of the response. */
  public record ClaimRequest(String runId, int attempt, String trainerId, int status) {}

  /** One stored model version: its artifact description, the uploading run and the zip bytes. */
  public record StoredVersion(ModelArtifact artifact, String runId, byte[] zip) {}

  private IngestEndpointsStandIn(HttpServer server) {
    this.server = server;
  }

  /** Starts a stand-in on a free port of 127.0.0.1. */
  public static IngestEndpointsStandIn start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    IngestEndpointsStandIn standIn = new IngestEndpointsStandIn(server);
    server.createContext("/", standIn::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return standIn;
  }

  /** Base URL, such as {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Archive URI of {@code snapshotId}, as a training request carries it. */
  public String archiveUri(String snapshotId) {
    return baseUrl() + "/api/v1/snapshots/" + snapshotId + "/archive";
  }

  /** Serves {@code zip} as the archive of {@code snapshotId}. */
  public void putSnapshot(String snapshotId, byte[] zip) {
    snapshotArchives.put(snapshotId, zip);
  }

  /** Makes downloads of {@code snapshotId} wait until {@link #releaseSnapshot} is called. */
  public void holdSnapshot(String snapshotId) {
    snapshotHolds.put(snapshotId, new CountDownLatch(1));
  }

  public void releaseSnapshot(String snapshotId) {
    CountDownLatch hold = snapshotHolds.remove(snapshotId);
    if (hold != null) {
      hold.countDown();
    }
  }

  /** Claim calls received for {@code runId}, in order. */
  public List<ClaimRequest> claimsOf(String runId) {
    return claimRequests.stream().filter(claim -> claim.runId().equals(runId)).toList();
  }

  /** Versions stored for {@code modelName}, oldest first. */
  public List<StoredVersion> versionsOf(String modelName) {
    return List.copyOf(versionsByModel.getOrDefault(modelName, List.of()));
  }

  /** Makes the next {@code count} requests fail with 503, as an overloaded server would. */
  public void failNextRequests(int count) {
    failuresToServe.set(count);
  }

  /** Returns how many HTTP requests the stand-in received. */
  public int requestCount() {
    return requestCount.get();
  }

  /** Artifact downloads served, as {@code model/version}, in order. */
  public List<String> artifactDownloads() {
    return List.copyOf(artifactDownloads);
  }

  @Override
  public void close() {
    snapshotHolds.values().forEach(CountDownLatch::countDown);
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      requestCount.incrementAndGet();
      if (failuresToServe.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
        exchange.getRequestBody().readAllBytes();
        problem(exchange, 503, "Stand-in failure injected by the test");
        return;
      }
      Matcher matcher;
      if (method.equals("POST") && (matcher = CLAIMS.matcher(path)).matches()) {
        claim(exchange, matcher.group(1));
      } else if (method.equals("GET") && (matcher = ARCHIVE.matcher(path)).matches()) {
        sendArchive(exchange, matcher.group(1));
      } else if (method.equals("POST") && (matcher = VERSIONS.matcher(path)).matches()) {
        storeVersion(exchange, matcher.group(1));
      } else if (method.equals("GET") && (matcher = ARTIFACT.matcher(path)).matches()) {
        sendArtifact(exchange, matcher.group(1), Long.parseLong(matcher.group(2)));
      } else if (method.equals("GET") && (matcher = SERVING.matcher(path)).matches()) {
        sendServing(exchange, matcher.group(1));
      } else {
        problem(exchange, 404, "No stand-in endpoint for " + method + " " + path);
      }
    } catch (RuntimeException e) {
      problem(exchange, 500, "Stand-in failed: " + e);
    }
  }

  private void claim(HttpExchange exchange, String runId) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    JsonNode body = mapper.readTree(exchange.getRequestBody());
    int attempt = body.path("attempt").asInt();
    String trainerId = body.path("trainerId").asText();

    int status;
    synchronized (claimedAttempts) {
      Integer claimed = claimedAttempts.get(runId);
      status = claimed != null && claimed >= attempt ? 409 : 200;
      if (status == 200) {
        claimedAttempts.put(runId, attempt);
      }
    }
    claimRequests.add(new ClaimRequest(runId, attempt, trainerId, status));

    if (status == 409) {
      problem(
          exchange,
          409,
          "Attempt "
              + attempt
              + " of run "
              + runId
              + " is already claimed, finished or superseded");
      return;
    }
    json(
        exchange,
        200,
        Map.of("runId", runId, "attempt", attempt, "state", "RUNNING", "leaseSeconds", 120));
  }

  private void sendArchive(HttpExchange exchange, String snapshotId) throws IOException {
    CountDownLatch hold = snapshotHolds.get(snapshotId);
    if (hold != null) {
      try {
        hold.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] zip = snapshotArchives.get(snapshotId);
    if (zip == null) {
      problem(exchange, 404, "Snapshot " + snapshotId + " not found");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", "application/zip");
    exchange.sendResponseHeaders(200, zip.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(zip);
    }
  }

  private void storeVersion(HttpExchange exchange, String modelName) throws IOException {
    if (!authorized(exchange)) {
      return;
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    Map<String, byte[]> parts =
        Multipart.parse(contentType, exchange.getRequestBody().readAllBytes());
    byte[] zip = parts.get("artifact");
    byte[] runId = parts.get("runId");
    if (zip == null || runId == null) {
      problem(
          exchange, 400, "Multipart parts runId and artifact are required, got " + parts.keySet());
      return;
    }
    Optional<ModelMetadata> metadata = readMetadata(zip);
    if (metadata.isEmpty()) {
      problem(exchange, 422, "The artifact has no " + ModelSignatures.METADATA_ENTRY);
      return;
    }

    StoredVersion stored;
    synchronized (versionsByModel) {
      List<StoredVersion> versions =
          versionsByModel.computeIfAbsent(modelName, name -> new ArrayList<>());
      long version = versions.size() + 1;
      ModelArtifact artifact =
          new ModelArtifact(
              modelName,
              version,
              baseUrl() + "/api/v1/models/" + modelName + "/versions/" + version + "/artifact",
              sha256(zip),
              zip.length,
              metadata.get().classNames(),
              metadata.get().imageSize());
      stored = new StoredVersion(artifact, new String(runId, StandardCharsets.UTF_8), zip);
      versions.add(stored);
    }
    json(exchange, 201, stored.artifact());
  }

  private void sendArtifact(HttpExchange exchange, String modelName, long version)
      throws IOException {
    List<StoredVersion> versions = versionsOf(modelName);
    if (version < 1 || version > versions.size()) {
      problem(exchange, 404, "Model " + modelName + " has no version " + version);
      return;
    }
    StoredVersion stored = versions.get((int) version - 1);
    artifactDownloads.add(modelName + "/" + version);
    exchange.getResponseHeaders().set("Content-Type", "application/zip");
    exchange.getResponseHeaders().set("X-Checksum-SHA256", stored.artifact().sha256());
    exchange.sendResponseHeaders(200, stored.zip().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(stored.zip());
    }
  }

  private void sendServing(HttpExchange exchange, String modelName) throws IOException {
    List<StoredVersion> versions = versionsOf(modelName);
    if (versions.isEmpty()) {
      problem(exchange, 404, "Model " + modelName + " has no version to serve");
      return;
    }
    json(exchange, 200, versions.get(versions.size() - 1).artifact());
  }

  private Optional<ModelMetadata> readMetadata(byte[] zip) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.getName().equals(ModelSignatures.METADATA_ENTRY)) {
          return Optional.of(mapper.readValue(in.readAllBytes(), ModelMetadata.class));
        }
      }
    }
    return Optional.empty();
  }

  private boolean authorized(HttpExchange exchange) throws IOException {
    if (API_KEY.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
      return true;
    }
    problem(exchange, 401, "Missing or unknown X-API-Key");
    return false;
  }

  private void json(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = mapper.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void problem(HttpExchange exchange, int status, String detail) throws IOException {
    byte[] bytes =
        mapper.writeValueAsBytes(
            Map.of(
                "type",
                "about:blank",
                "title",
                "Stand-in error",
                "status",
                status,
                "detail",
                detail));
    exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Returns the lowercase hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A minimal multipart/form-data reader: part name to bytes. */
  static final class Multipart {

    private Multipart() {}

    static Map<String, byte[]> parse(String contentType, byte[] body) {
      Matcher boundaryMatch = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
      if (!boundaryMatch.find()) {
        throw new IllegalArgumentException("No boundary in " + contentType);
      }
      byte[] delimiter = ("--" + boundaryMatch.group(1)).getBytes(StandardCharsets.ISO_8859_1);
      Map<String, byte[]> parts = new ConcurrentHashMap<>();
      int start = indexOf(body, delimiter, 0);
      while (start >= 0) {
        int headersStart = start + delimiter.length + 2;
        if (headersStart > body.length || body[start + delimiter.length] == '-') {
          break;
        }
        byte[] blankLine = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int headersEnd = indexOf(body, blankLine, headersStart);
        int next = indexOf(body, delimiter, headersEnd);
        String headers =
            new String(body, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1);
        Matcher name = Pattern.compile("name=\"([^\"]+)\"").matcher(headers);
        if (name.find()) {
          int contentStart = headersEnd + blankLine.length;
          int contentEnd = next - 2;
          byte[] content = new byte[contentEnd - contentStart];
          System.arraycopy(body, contentStart, content, 0, content.length);
          parts.put(name.group(1), content);
        }
        start = next;
      }
      return parts;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
      outer:
      for (int i = from; i <= data.length - pattern.length; i++) {
        for (int j = 0; j < pattern.length; j++) {
          if (data[i + j] != pattern[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
