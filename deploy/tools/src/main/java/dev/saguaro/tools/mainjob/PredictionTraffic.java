package dev.saguaro.tools.mainjob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Continuous prediction requests, one image each, on a thread of its own, to show that the
 * inference service switches model versions without a failed request. Bounded by a request count
 * and a duration, so it stops even if no caller calls {@link #stop()}.
 *
 * <p>Thread-safety: {@link #start()} and {@link #stop()} are called from one controlling thread;
 * the counters are read by {@link #stop()} only after the traffic thread has ended.
 */
public final class PredictionTraffic {

  private static final int MAX_RECORDED_FAILURES = 10;

  private final InferenceApi inference;
  private final String modelName;
  private final List<TestImage> images;
  private final Duration pause;
  private final long maxRequests;
  private final Duration maxDuration;
  private final AtomicBoolean stopRequested = new AtomicBoolean();

  private Thread thread;
  private Instant startedAt;
  private long requests;
  private long failures;
  private final List<String> failureMessages = new ArrayList<>();
  private final SortedMap<Long, Long> answersByVersion = new TreeMap<>();
  private final List<VersionSwitch> switches = new ArrayList<>();
  private long currentVersion = -1;

  /**
   * Creates the traffic; nothing is sent before {@link #start()}.
   *
   * @param pause wait between the end of one request and the start of the next
   * @param maxRequests requests after which the traffic stops by itself
   * @param maxDuration time after which the traffic stops by itself
   */
  public PredictionTraffic(
      InferenceApi inference,
      String modelName,
      List<TestImage> images,
      Duration pause,
      long maxRequests,
      Duration maxDuration) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("Prediction traffic needs at least one image");
    }
    this.inference = inference;
    this.modelName = modelName;
    this.images = List.copyOf(images);
    this.pause = pause;
    this.maxRequests = maxRequests;
    this.maxDuration = maxDuration;
  }

  /** Starts sending requests. */
  public void start() {
    startedAt = Instant.now();
    thread = new Thread(this::sendRequests, "prediction-traffic");
    thread.setDaemon(true);
    thread.start();
  }

  /** Returns the version that classified the last successful request, or -1 before any. */
  public synchronized long currentVersion() {
    return currentVersion;
  }

  /** Returns the number of requests sent so far. */
  public synchronized long requests() {
    return requests;
  }

  /** Stops the traffic, waits for the last request to end and returns the tally. */
  public TrafficSummary stop() throws InterruptedException {
    stopRequested.set(true);
    thread.join(Duration.ofSeconds(90).toMillis());
    synchronized (this) {
      return new TrafficSummary(
          requests,
          failures,
          List.copyOf(failureMessages),
          new TreeMap<>(answersByVersion),
          List.copyOf(switches),
          Duration.between(startedAt, Instant.now()));
    }
  }

  private void sendRequests() {
    long deadline = System.nanoTime() + maxDuration.toNanos();
    int next = 0;
    while (!stopRequested.get() && System.nanoTime() < deadline && requests() < maxRequests) {
      TestImage image = images.get(next);
      next = (next + 1) % images.size();
      try {
        long version = inference.predict(modelName, List.of(image)).get(0).modelVersion();
        recordAnswer(version);
      } catch (RuntimeException e) {
        recordFailure(e);
      }
      try {
        Thread.sleep(pause.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void recordAnswer(long version) {
    requests++;
    answersByVersion.merge(version, 1L, Long::sum);
    if (version != currentVersion) {
      switches.add(new VersionSwitch(Instant.now(), currentVersion, version, requests));
      currentVersion = version;
    }
  }

  private synchronized void recordFailure(RuntimeException e) {
    requests++;
    failures++;
    if (failureMessages.size() < MAX_RECORDED_FAILURES) {
      failureMessages.add(Instant.now() + " " + e.getMessage());
    }
  }

  /**
   * The moment the responding version changed.
   *
   * @param fromVersion the version before, or -1 for the first response
   * @param request number of the request, from 1, that the new version classified first
   */
  public record VersionSwitch(Instant at, long fromVersion, long toVersion, long request) {}

  /**
   * Tally of the traffic.
   *
   * @param failureMessages the first few failures, with their time
   * @param switches every change of the responding version, in order
   */
  public record TrafficSummary(
      long requests,
      long failures,
      List<String> failureMessages,
      SortedMap<Long, Long> answersByVersion,
      List<VersionSwitch> switches,
      Duration elapsed) {}
}
