package dev.saguaro.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.ArtifactServer;
import dev.saguaro.inference.support.ServiceClient;
import dev.saguaro.inference.support.TestImages;
import dev.saguaro.inference.support.TinyModels;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Swaps model versions many times while clients keep sending predictions. */
@QuarkusTest
@Order(3)
class HotReloadUnderLoadTest {

  private static final Logger LOG = Logger.getLogger(HotReloadUnderLoadTest.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "reload";
  private static final int VERSIONS = 21;
  private static final int CLIENTS = 4;

  /** Longest accepted time from an announcement to its version serving. */
  private static final Duration SWAP_BOUND = Duration.ofSeconds(20);

  /** Bounds of the load loop, whatever happens to the swaps. */
  private static final Duration LOAD_TIME_LIMIT = Duration.ofMinutes(3);

  private static final long MAX_REQUESTS = 500_000;

  @Test
  void versionSwapsUnderLoadFailNoRequest() throws Exception {
    List<byte[]> artifacts = new ArrayList<>();
    for (long version = 1; version <= VERSIONS; version++) {
      artifacts.add(TinyModels.artifact(MODEL, version));
    }
    Set<Long> announced = ConcurrentHashMap.newKeySet();
    Set<Long> answeredBy = ConcurrentHashMap.newKeySet();
    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong succeeded = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Duration> swapTimes = new ArrayList<>();

    try (ArtifactServer server = new ArtifactServer();
        Announcer announcer = new Announcer(ServiceClient.bootstrapServers())) {
      announce(announcer, server, 1, artifacts.get(0), announced);
      await()
          .atMost(SWAP_BOUND)
          .until(() -> Long.valueOf(1).equals(ServiceClient.servingVersion(MODEL)));

      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      List<Future<?>> running = new ArrayList<>();
      long deadline = System.nanoTime() + LOAD_TIME_LIMIT.toNanos();
      int port = RestAssured.port;
      for (int client = 0; client < CLIENTS; client++) {
        byte[] image = TestImages.png(32, client);
        running.add(
            clients.submit(
                () -> {
                  while (!stop.get()
                      && System.nanoTime() < deadline
                      && succeeded.get() + failures.size() < MAX_REQUESTS) {
                    sendAndCheck(port, image, announced, answeredBy, succeeded, failures);
                  }
                }));
      }

      for (long version = 2; version <= VERSIONS; version++) {
        long before = succeeded.get();
        long started = System.nanoTime();
        announce(announcer, server, version, artifacts.get((int) version - 1), announced);
        long expected = version;
        await()
            .atMost(SWAP_BOUND)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> Long.valueOf(expected).equals(ServiceClient.servingVersion(MODEL)));
        swapTimes.add(Duration.ofNanos(System.nanoTime() - started));
        // Keep each version serving under load for a while before the next swap.
        await().atMost(Duration.ofSeconds(30)).until(() -> succeeded.get() >= before + 20);
      }

      stop.set(true);
      for (Future<?> future : running) {
        future.get(60, TimeUnit.SECONDS);
      }
      clients.shutdown();
    }

    Duration slowest = swapTimes.stream().max(Duration::compareTo).orElseThrow();
    LOG.infof(
        "%d requests succeeded across %d swaps; slowest swap %d ms; answered by versions %s",
        succeeded.get(), swapTimes.size(), slowest.toMillis(), answeredBy);
    assertThat(failures).as("failed requests").isEmpty();
    assertThat(swapTimes).hasSize(VERSIONS - 1);
    assertThat(slowest).isLessThanOrEqualTo(SWAP_BOUND);
    assertThat(succeeded.get()).isGreaterThanOrEqualTo(20L * (VERSIONS - 1));
    assertThat(announced).containsAll(answeredBy);
    assertThat(answeredBy).contains((long) VERSIONS);

    // Every superseded version drains and closes.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (long version = 1; version < VERSIONS; version++) {
                String state = ServiceClient.versionState(MODEL, version);
                assertThat(state).as("state of version %d", version).isIn("UNLOADED", null);
              }
              assertThat(ServiceClient.versionState(MODEL, VERSIONS)).isEqualTo("SERVING");
            });
  }

  private static void announce(
      Announcer announcer,
      ArtifactServer server,
      long version,
      byte[] artifact,
      Set<Long> announced) {
    announced.add(version);
    announcer.announceNewVersion(
        MODEL, version, server.publish("/reload/" + version + ".zip", artifact), artifact);
  }

  /** Sends one prediction and checks that the version it names computed it. */
  private static void sendAndCheck(
      int port,
      byte[] image,
      Set<Long> announced,
      Set<Long> answeredBy,
      AtomicLong succeeded,
      Queue<String> failures) {
    try {
      HttpResponse<String> response = ServiceClient.postPng(port, MODEL, image);
      if (response.statusCode() != 200) {
        failures.add("HTTP " + response.statusCode() + ": " + response.body());
        return;
      }
      JsonNode prediction = JSON.readTree(response.body()).get("predictions").get(0);
      long version = prediction.get("modelVersion").asLong();
      JsonNode probabilities = prediction.get("probabilities");
      long computedBy =
          TinyModels.versionFromProbabilities(
              probabilities.get("alpha").asDouble(), probabilities.get("beta").asDouble());
      if (!announced.contains(version) || computedBy != version) {
        failures.add("answer names version " + version + " but was computed by " + computedBy);
        return;
      }
      answeredBy.add(version);
      succeeded.incrementAndGet();
    } catch (Exception e) {
      failures.add(e.toString());
    }
  }
}
