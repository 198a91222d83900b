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
import dev.saguaro.inference.support.KeepAliveHttpClient;
import dev.saguaro.inference.support.MobileNetV2StandIn;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * not exist. Clients send with {@link KeepAliveHttpClient}, so that the client's own overhead stays
 * out of the figures; one row repeats the single-image call through {@code java.net.http} for
 * comparison. Clients and service share this machine's cores, so the figures are for this machine
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
  private static final String PREDICTIONS = "/api/v1/models/" + MODEL + "/predictions";
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

  /** The test thread's connection, for sequential calls and status polls. */
  private KeepAliveHttpClient control;

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
    // The raw floor stays loaded beside the served model, so that its calls alternate with the
    // HTTP calls. Measured minutes earlier, the floor varied between runs more than HTTP costs.
    LoadedModel raw = loader.load(prepare(template, directory, 1000), Runnable::run, () -> {});
    try (Announcer announcer = new Announcer(ServiceClient.bootstrapServers());
        KeepAliveHttpClient client = new KeepAliveHttpClient(RestAssured.port)) {
      control = client;
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
      rawCalls(raw, image, WARMUP_CALLS);
      List<Long> rawSingle = new ArrayList<>();
      List<Long> singleBatched = new ArrayList<>();
      List<Long> singleUnbatched = new ArrayList<>();
      List<Double> serverBatched = new ArrayList<>();
      List<Double> serverUnbatched = new ArrayList<>();
      for (int block = 0; block < SINGLE_IMAGE_BLOCKS; block++) {
        rawSingle.addAll(rawCalls(raw, image, MEASURED_CALLS / SINGLE_IMAGE_BLOCKS));
        batcher.updatePolicy(batched);
        serverMillis.clear();
        singleBatched.addAll(sequentialLatencies(image, 0, MEASURED_CALLS / SINGLE_IMAGE_BLOCKS));
        serverBatched.addAll(serverMillis);
        batcher.updatePolicy(unbatched);
        serverMillis.clear();
        singleUnbatched.addAll(sequentialLatencies(image, 0, MEASURED_CALLS / SINGLE_IMAGE_BLOCKS));
        serverUnbatched.addAll(serverMillis);
      }
      row("Raw in-process preprocess+classify, 1 image", summarize(rawSingle));
      row("Raw in-process, batches of 32", rawBatchThroughput(raw, image));
      TestModelLoading.retire(raw);
      raw = null;
      row(
          "HTTP single image, batching on",
          summarize(singleBatched) + String.format(", server p50 %.2f ms", median(serverBatched)));
      row(
          "HTTP single image, batching off",
          summarize(singleUnbatched)
              + String.format(", server p50 %.2f ms", median(serverUnbatched)));
      row(
          "HTTP p50 over raw p50, batching off / on",
          String.format(
              "%.2fx / %.2fx",
              percentile(singleUnbatched, 50) / percentile(rawSingle, 50),
              percentile(singleBatched, 50) / percentile(rawSingle, 50)));
      batcher.updatePolicy(unbatched);
      row(
          "HTTP single image, batching off, java.net.http",
          summarize(standardClientLatencies(image)));

      Map<Boolean, Double> busiestRate = new java.util.HashMap<>();
      for (BatchPolicy policy : List.of(unbatched, batched)) {
        batcher.updatePolicy(policy);
        for (int clients : CLIENT_COUNTS) {
          LoadResult result = runLoad(image, clients, THROUGHPUT_RUN, null);
          row(
              "HTTP " + clients + " clients, batching " + (policy.enabled() ? "on" : "off"),
              String.format(
                  "%.0f req/s, %s", result.requestsPerSecond(), summarize(result.latencies())));
          busiestRate.put(policy.enabled(), result.requestsPerSecond());
        }
      }
      row(
          "HTTP " + CLIENT_COUNTS[CLIENT_COUNTS.length - 1] + " clients, batching on over off",
          String.format("%.2fx", busiestRate.get(true) / busiestRate.get(false)));

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
    } finally {
      if (raw != null) {
        TestModelLoading.retire(raw);
      }
    }

    LOG.infof("Inference benchmark%n%s", table);
    assertThat(failures).as("failed requests").isEmpty();
  }

  /** Times {@code calls} raw in-process calls of one image: preprocessing and classification. */
  private static List<Long> rawCalls(LoadedModel model, byte[] image, int calls) {
    List<Long> latencies = new ArrayList<>();
    for (int call = 0; call < calls; call++) {
      long started = System.nanoTime();
      try (PreprocessedImage preprocessed = TestModelLoading.preprocess(model, image)) {
        model.classify(List.of(preprocessed));
      }
      latencies.add(System.nanoTime() - started);
    }
    return latencies;
  }

  /** Returns the raw rate of batches of 32 on the calling thread, as a table cell. */
  private static String rawBatchThroughput(LoadedModel model, byte[] image) {
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
    return String.format("%.0f images/s", batches * batchSize / seconds);
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
  private JsonNode modelStatus() {
    try {
      KeepAliveHttpClient.Response response = control.get("/api/v1/models/" + MODEL);
      return response.status() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    return timeCalls(warmup, measured, () -> send(control, image));
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
                try (KeepAliveHttpClient connection = new KeepAliveHttpClient(RestAssured.port)) {
                  while (!stop.get()
                      && System.nanoTime() < deadline
                      && latencies.size() < 2_000_000) {
                    long requestStarted = System.nanoTime();
                    send(connection, image);
                    latencies.add(System.nanoTime() - requestStarted);
                  }
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

  /** Sends one prediction call and checks the response. A failure is recorded, not thrown. */
  private void send(KeepAliveHttpClient client, byte[] image) {
    try {
      KeepAliveHttpClient.Response response = client.post(PREDICTIONS, "image/jpeg", image);
      if (response.status() != 200) {
        failures.add("HTTP " + response.status() + ": " + response.text());
        return;
      }
      JsonNode answer = JSON.readTree(response.body());
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

  /**
   * Times the single-image call through {@code java.net.http}, the JDK's standard client, to show
   * what a typical client adds on top of the service's own figures.
   */
  private List<Long> standardClientLatencies(byte[] image) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + PREDICTIONS))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
            .build();
    return timeCalls(
        WARMUP_CALLS,
        MEASURED_CALLS,
        () -> {
          HttpResponse<byte[]> response =
              http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (response.statusCode() != 200) {
            failures.add("java.net.http call returned HTTP " + response.statusCode());
          }
        });
  }

  /**
   * Times posts of the image to a model that does not exist: the blocking REST path with the body,
   * the worker thread and a JSON problem, but no TensorFlow call.
   */
  private List<Long> notFoundLatencies(byte[] image) {
    return timeCalls(
        WARMUP_CALLS,
        MEASURED_CALLS,
        () -> {
          int status =
              control
                  .post("/api/v1/models/no-such-model/predictions", "image/jpeg", image)
                  .status();
          if (status != 404) {
            failures.add("unknown model returned HTTP " + status + " instead of 404");
          }
        });
  }

  /** Times plain GETs of the liveness check: the cost of HTTP itself on this machine. */
  private List<Long> healthLatencies() {
    return timeCalls(WARMUP_CALLS, MEASURED_CALLS, () -> control.get("/q/health/live"));
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
