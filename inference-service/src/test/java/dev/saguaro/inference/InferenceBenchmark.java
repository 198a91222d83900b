package dev.saguaro.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.inference.batching.BatchPolicy;
import dev.saguaro.inference.batching.MicroBatcher;
import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.serving.LoadedModel;
import dev.saguaro.inference.serving.ModelLoader;
import dev.saguaro.inference.serving.PreprocessedImage;
import dev.saguaro.inference.serving.TestModelLoading;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.Artifacts;
import dev.saguaro.inference.support.MobileNetV2StandIn;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Latency and throughput of predictions over HTTP for MobileNetV2 (alpha 1.0, 96x96), beside the
 * raw in-process TensorFlow calls as the floor, and the p99 while versions are swapped.
 *
 * <p>The model is the artifact named by the system property {@code saguaro.bench.model} (default:
 * the trainer's benchmark export), or a generated stand-in with random weights when that file does
 * not exist. Clients and service share this machine's cores, so the figures are for this machine
 * only. Asserts correctness (no failed request, every response from an announced version), never
 * timing.
 */
@QuarkusTest
@TestProfile(InferenceBenchmark.BenchmarkProfile.class)
@Tag("benchmark")
class InferenceBenchmark {

  private static final Logger LOG = Logger.getLogger(InferenceBenchmark.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "bench";
  private static final String DEFAULT_ARTIFACT = "../trainer-service/target/benchmark-model.zip";
  private static final int WARMUP_CALLS = 100;
  private static final int MEASURED_CALLS = 500;
  private static final int SINGLE_IMAGE_BLOCKS = 5;
  private static final Duration WARMUP_LOAD = Duration.ofSeconds(20);
  private static final Duration THROUGHPUT_RUN = Duration.ofSeconds(8);
  private static final Duration SWAP_STEADY_RUN = Duration.ofSeconds(10);
  private static final int SWAPS = 5;
  private static final int SWAP_CLIENTS = 4;
  private static final int[] CLIENT_COUNTS = {1, 4, 16};

  @Inject MicroBatcher batcher;
  @Inject ModelLoader loader;
  @Inject InferenceConfig config;

  private final Set<Long> announced = ConcurrentHashMap.newKeySet();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();

  /**
   * Server-side time of each response ({@code durationMs}), to split HTTP overhead from the work.
   */
  private final Queue<Double> serverMillis = new ConcurrentLinkedQueue<>();

  private final StringBuilder table = new StringBuilder();

  /** Production batching defaults and the benchmark model as the default model. */
  public static class BenchmarkProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "saguaro.inference.default-model", MODEL,
          "saguaro.inference.batching.max-batch-size", "32",
          "saguaro.inference.loading.warmup-runs", "3");
    }
  }

  @Test
  void measureLatencyAndThroughput() throws Exception {
    Path directory = Files.createTempDirectory("inference-benchmark-");
    String source = describeSource();
    byte[] template = loadTemplate();
    byte[] image = TestImages.jpeg(96, 42);
    BatchPolicy batched = batcher.policy();
    BatchPolicy unbatched = new BatchPolicy(false, 1, 0, false);

    row("Model", source);
    row("Policy (batched)", batched.toString());
    row(
        "Threads",
        String.format(
            "TensorFlow intra-op %d, inter-op %d (0: TensorFlow chooses); batch threads %d",
            config.tensorflow().intraOpThreads(),
            config.tensorflow().interOpThreads(),
            batcher.threadCount()));
    measureRawFloor(template, directory, image);

    try (Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      announce(announcer, prepare(template, directory, 1));

      // Blocks of on and off alternate, so that neither setting profits alone from a JIT or a
      // machine that warmed up while the other one ran.
      // A minute into the run the JIT was still compiling the HTTP and batching paths (seen with
      // jstat -compiler), so concurrent load with both policies comes before any measurement.
      for (BatchPolicy policy : List.of(batched, unbatched)) {
        batcher.updatePolicy(policy);
        runLoad(image, 16, WARMUP_LOAD, null);
      }
      sequentialLatencies(image, WARMUP_CALLS, 0);
      row("HTTP GET /q/health/live, no model call", summarize(healthLatencies()));
      row(
          "HTTP POST to an unknown model (404), no model call",
          summarize(notFoundLatencies(image)));
      List<Long> singleBatched = new ArrayList<>();
      List<Long> singleUnbatched = new ArrayList<>();
      List<Double> serverBatched = new ArrayList<>();
      List<Double> serverUnbatched = new ArrayList<>();
      for (int block = 0; block < SINGLE_IMAGE_BLOCKS; block++) {
        batcher.updatePolicy(batched);
        serverMillis.clear();
        singleBatched.addAll(sequentialLatencies(image, 0, MEASURED_CALLS / SINGLE_IMAGE_BLOCKS));
        serverBatched.addAll(serverMillis);
        batcher.updatePolicy(unbatched);
        serverMillis.clear();
        singleUnbatched.addAll(sequentialLatencies(image, 0, MEASURED_CALLS / SINGLE_IMAGE_BLOCKS));
        serverUnbatched.addAll(serverMillis);
      }
      row(
          "HTTP single image, batching on",
          summarize(singleBatched) + String.format(", server p50 %.2f ms", median(serverBatched)));
      row(
          "HTTP single image, batching off",
          summarize(singleUnbatched)
              + String.format(", server p50 %.2f ms", median(serverUnbatched)));

      for (BatchPolicy policy : List.of(unbatched, batched)) {
        batcher.updatePolicy(policy);
        for (int clients : CLIENT_COUNTS) {
          LoadResult result = runLoad(image, clients, THROUGHPUT_RUN, null);
          row(
              "HTTP " + clients + " clients, batching " + (policy.enabled() ? "on" : "off"),
              String.format(
                  "%.0f req/s, %s", result.requestsPerSecond(), summarize(result.latencies())));
        }
      }

      batcher.updatePolicy(batched);
      LoadResult steady = runLoad(image, SWAP_CLIENTS, SWAP_STEADY_RUN, null);
      row(SWAP_CLIENTS + " clients steady, batching on", summarize(steady.latencies()));
      List<ModelArtifact> versions = new ArrayList<>();
      for (long version = 2; version <= 1 + SWAPS; version++) {
        versions.add(prepare(template, directory, version));
      }
      LoadResult swapping =
          runLoad(
              image, SWAP_CLIENTS, Duration.ofMinutes(5), () -> swapVersions(announcer, versions));
      row(
          SWAP_CLIENTS + " clients during " + SWAPS + " swaps",
          summarize(swapping.latencies())
              + String.format(
                  ", p99 ratio to steady %.2f",
                  percentile(swapping.latencies(), 99) / percentile(steady.latencies(), 99)));
    }

    LOG.infof("Inference benchmark%n%s", table);
    assertThat(failures).as("failed requests").isEmpty();
  }

  private void measureRawFloor(byte[] template, Path directory, byte[] image) throws Exception {
    LoadedModel model = loader.load(prepare(template, directory, 1000), Runnable::run, () -> {});
    try {
      List<Long> latencies = new ArrayList<>();
      for (int call = 0; call < WARMUP_CALLS + MEASURED_CALLS; call++) {
        long started = System.nanoTime();
        try (PreprocessedImage preprocessed = TestModelLoading.preprocess(model, image)) {
          model.classify(List.of(preprocessed));
        }
        if (call >= WARMUP_CALLS) {
          latencies.add(System.nanoTime() - started);
        }
      }
      row("Raw in-process preprocess+classify, 1 image", summarize(latencies));

      int batchSize = 32;
      int batches = 20;
      long started = System.nanoTime();
      for (int batch = 0; batch < batches; batch++) {
        List<PreprocessedImage> images = new ArrayList<>();
        try {
          for (int i = 0; i < batchSize; i++) {
            images.add(TestModelLoading.preprocess(model, image));
          }
          model.classify(images);
        } finally {
          images.forEach(PreprocessedImage::close);
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      row(
          "Raw in-process, batches of 32",
          String.format("%.0f images/s", batches * batchSize / seconds));
    } finally {
      TestModelLoading.retire(model);
    }
  }

  /**
   * Announces each prepared version in turn and waits until the previous one is unloaded. Runs
   * during the measured load, so it does no work beyond the announcement and light status polls:
   * the artifacts were written and hashed beforehand.
   */
  private void swapVersions(Announcer announcer, List<ModelArtifact> versions) {
    for (ModelArtifact artifact : versions) {
      announce(announcer, artifact);
      long previous = artifact.version() - 1;
      waitFor(
          "version " + previous + " unloaded",
          () -> "UNLOADED".equals(versionState(modelStatus(), previous)));
    }
  }

  /** Writes the artifact of {@code version} to {@code directory} and describes it. */
  private static ModelArtifact prepare(byte[] template, Path directory, long version) {
    byte[] artifact = withVersion(template, version);
    Path file = directory.resolve(version + ".zip");
    try {
      Files.write(file, artifact);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ModelMetadata metadata =
        ContractCodec.decode(Artifacts.readMetadata(artifact), ModelMetadata.class);
    return new ModelArtifact(
        MODEL,
        version,
        file.toUri().toString(),
        Artifacts.sha256(artifact),
        artifact.length,
        metadata.classNames(),
        metadata.imageSize());
  }

  /** Announces {@code artifact} and waits until the service serves it. */
  private void announce(Announcer announcer, ModelArtifact artifact) {
    announced.add(artifact.version());
    announcer.send(
        Announcer.announcement(
            MODEL,
            dev.saguaro.contracts.AnnouncementKind.NEW_VERSION,
            artifact,
            dev.saguaro.contracts.SchemaVersion.CURRENT));
    waitFor(
        "version " + artifact.version() + " serving",
        () -> {
          JsonNode status = modelStatus();
          return status != null && status.path("servingVersion").asLong(-1) == artifact.version();
        });
  }

  /**
   * Polls {@code condition} every 50 ms on the calling thread, for at most two minutes. The polls
   * avoid RestAssured, whose Groovy JSON paths compiled code on every call and so slowed the
   * service during the swaps.
   */
  private static void waitFor(String description, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Timed out after 2 minutes waiting for " + description);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + description, e);
      }
    }
  }

  /** Returns the model's status document, or {@code null} while the service does not know it. */
  private static JsonNode modelStatus() {
    try {
      URL url =
          URI.create("http://127.0.0.1:" + RestAssured.port + "/api/v1/models/" + MODEL).toURL();
      HttpURLConnection connection = (HttpURLConnection) url.openConnection();
      if (connection.getResponseCode() != 200) {
        try (InputStream error = connection.getErrorStream()) {
          if (error != null) {
            error.readAllBytes();
          }
        }
        return null;
      }
      try (InputStream in = connection.getInputStream()) {
        return JSON.readTree(in);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Returns the state of {@code version} in a status document, or {@code null}. */
  private static String versionState(JsonNode status, long version) {
    if (status == null) {
      return null;
    }
    for (JsonNode entry : status.path("versions")) {
      if (entry.path("version").asLong(-1) == version) {
        return entry.path("state").asText(null);
      }
    }
    return null;
  }

  private List<Long> sequentialLatencies(byte[] image, int warmup, int measured) {
    return timeCalls(warmup, measured, () -> send(image));
  }

  /** Runs {@code call} {@code warmup + measured} times in a row and returns the measured times. */
  private static List<Long> timeCalls(int warmup, int measured, TimedCall call) {
    List<Long> latencies = new ArrayList<>();
    for (int count = 0; count < warmup + measured; count++) {
      long started = System.nanoTime();
      try {
        call.run();
      } catch (Exception e) {
        throw new IllegalStateException("A timed call failed", e);
      }
      if (count >= warmup) {
        latencies.add(System.nanoTime() - started);
      }
    }
    return latencies;
  }

  @FunctionalInterface
  private interface TimedCall {
    void run() throws Exception;
  }

  /**
   * Runs {@code clients} closed-loop clients for {@code duration}, or until {@code during} ends.
   */
  private LoadResult runLoad(byte[] image, int clients, Duration duration, Runnable during)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long deadline = System.nanoTime() + duration.toNanos();
    long started = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int client = 0; client < clients; client++) {
      running.add(
          pool.submit(
              () -> {
                while (!stop.get()
                    && System.nanoTime() < deadline
                    && latencies.size() < 2_000_000) {
                  long requestStarted = System.nanoTime();
                  send(image);
                  latencies.add(System.nanoTime() - requestStarted);
                }
              }));
    }
    if (during != null) {
      try {
        during.run();
      } finally {
        stop.set(true);
      }
    }
    for (Future<?> future : running) {
      future.get(duration.toSeconds() + 120, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    return new LoadResult(new ArrayList<>(latencies), latencies.size() / seconds);
  }

  private record LoadResult(List<Long> latencies, double requestsPerSecond) {}

  /**
   * Sends one prediction call on a kept-alive connection. {@link HttpURLConnection} runs on the
   * calling thread, so the client adds no thread hand-offs of its own to the measured time.
   */
  private void send(byte[] image) {
    try {
      HttpURLConnection connection = postJpeg(predictionsUrl(), image);
      int status = connection.getResponseCode();
      InputStream stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      String response;
      try (InputStream in = stream) {
        response = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (status != 200) {
        failures.add("HTTP " + status + ": " + response);
        return;
      }
      JsonNode answer = JSON.readTree(response);
      serverMillis.add(answer.get("durationMs").asDouble());
      JsonNode prediction = answer.get("predictions").get(0);
      long version = prediction.get("modelVersion").asLong();
      if (!announced.contains(version)) {
        failures.add("answer from version " + version + ", which was never announced");
      }
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }

  /** Opens a kept-alive connection to {@code url} and sends {@code image} as a raw JPEG body. */
  private static HttpURLConnection postJpeg(URL url, byte[] image) throws java.io.IOException {
    HttpURLConnection connection = (HttpURLConnection) url.openConnection();
    connection.setConnectTimeout(5_000);
    connection.setReadTimeout(30_000);
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setFixedLengthStreamingMode(image.length);
    connection.setRequestProperty("Content-Type", "image/jpeg");
    try (OutputStream body = connection.getOutputStream()) {
      body.write(image);
    }
    return connection;
  }

  /** Times plain GETs of the liveness check: the cost of HTTP itself on this machine. */
  /**
   * Times posts of the image to a model that does not exist: the blocking REST path with the body,
   * the worker thread and a JSON problem, but no TensorFlow call.
   */
  private List<Long> notFoundLatencies(byte[] image) throws Exception {
    URL url =
        URI.create(
                "http://127.0.0.1:" + RestAssured.port + "/api/v1/models/no-such-model/predictions")
            .toURL();
    return timeCalls(
        WARMUP_CALLS,
        MEASURED_CALLS,
        () -> {
          HttpURLConnection connection = postJpeg(url, image);
          int status = connection.getResponseCode();
          try (InputStream in = connection.getErrorStream()) {
            if (in != null) {
              in.readAllBytes();
            }
          }
          if (status != 404) {
            failures.add("unknown model answered HTTP " + status + " instead of 404");
          }
        });
  }

  private List<Long> healthLatencies() throws Exception {
    URL url = URI.create("http://127.0.0.1:" + RestAssured.port + "/q/health/live").toURL();
    return timeCalls(
        WARMUP_CALLS,
        MEASURED_CALLS,
        () -> {
          HttpURLConnection connection = (HttpURLConnection) url.openConnection();
          try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
          }
        });
  }

  private static URL predictionsUrl() throws java.net.MalformedURLException {
    return URI.create(
            "http://127.0.0.1:" + RestAssured.port + "/api/v1/models/" + MODEL + "/predictions")
        .toURL();
  }

  private static String describeSource() {
    Path path = artifactPath();
    return Files.isRegularFile(path)
        ? "trained artifact " + path.toAbsolutePath().normalize()
        : "generated stand-in (MobileNetV2 alpha 1.0, 96x96, random weights); "
            + path
            + " not found";
  }

  private static byte[] loadTemplate() throws Exception {
    Path path = artifactPath();
    return Files.isRegularFile(path)
        ? Files.readAllBytes(path)
        : MobileNetV2StandIn.artifact(MODEL);
  }

  private static Path artifactPath() {
    return Path.of(System.getProperty("saguaro.bench.model", DEFAULT_ARTIFACT));
  }

  /** Returns the artifact relabelled as version {@code version} of the benchmark model. */
  private static byte[] withVersion(byte[] template, long version) {
    ModelMetadata original =
        ContractCodec.decode(Artifacts.readMetadata(template), ModelMetadata.class);
    ModelMetadata relabelled =
        new ModelMetadata(
            original.schemaVersion(),
            MODEL,
            version,
            original.classNames(),
            original.imageSize(),
            original.hyperparameters(),
            original.runId(),
            original.snapshotId(),
            original.finalMetrics(),
            original.createdAt());
    return Artifacts.withMetadata(template, ContractCodec.encode(relabelled));
  }

  private void row(String name, String value) {
    table.append(String.format("| %-45s | %s |%n", name, value));
  }

  private static String summarize(List<Long> latencies) {
    return String.format(
        "p50 %.2f ms, p99 %.2f ms (n=%d)",
        percentile(latencies, 50), percentile(latencies, 99), latencies.size());
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
  }

  private static double percentile(List<Long> nanos, double percent) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
  }
}
