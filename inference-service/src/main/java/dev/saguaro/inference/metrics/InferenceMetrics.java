package dev.saguaro.inference.metrics;

import dev.saguaro.inference.serving.ModelVersionState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The service's Prometheus metrics, all named {@code saguaro_inference_*} once exported.
 *
 * <p>Request and classify latencies and batch sizes are published as histograms so that percentiles
 * can be computed across replicas. Meters are cached per tag set, so that the request path does no
 * registry look-up. Thread-safe.
 */
@ApplicationScoped
public class InferenceMetrics {

  private static final double[] BATCH_SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

  private final MeterRegistry registry;
  private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final DistributionSummary batchSizes;
  private final Timer classifyTimer;
  private final Timer queueTimer;

  public InferenceMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.batchSizes =
        DistributionSummary.builder("saguaro.inference.batch.size")
            .description("Images per classify call")
            .baseUnit("images")
            .serviceLevelObjectives(BATCH_SIZE_BUCKETS)
            .register(registry);
    this.classifyTimer =
        Timer.builder("saguaro.inference.classify.duration")
            .description("Time of one classify call, whatever its batch size")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    this.queueTimer =
        Timer.builder("saguaro.inference.batch.queue.duration")
            .description("Time an image waits in the batch queue before its classify call starts")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
  }

  /** Records one prediction request; {@code outcome} is {@code success} or the HTTP status. */
  public void recordRequest(String model, String outcome, long nanos) {
    requestTimers
        .computeIfAbsent(
            model + '\0' + outcome,
            key ->
                Timer.builder("saguaro.inference.request.duration")
                    .description("Time of a prediction request, from the body read to the answer")
                    .tag("model", model)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry))
        .record(Duration.ofNanos(nanos));
  }

  /** Records one classify call of {@code batchSize} images. */
  public void recordBatch(int batchSize, long classifyNanos) {
    batchSizes.record(batchSize);
    classifyTimer.record(Duration.ofNanos(classifyNanos));
  }

  /** Records how long one image waited for its batch. */
  public void recordQueueWait(long nanos) {
    queueTimer.record(Duration.ofNanos(nanos));
  }

  /** Records the time from the start of loading to READY for one version. */
  public void recordLoad(String model, boolean succeeded, Duration duration) {
    Timer.builder("saguaro.inference.model.load.duration")
        .description("Time to download, verify, load and warm up one model version")
        .tag("model", model)
        .tag("outcome", succeeded ? "ready" : "failed")
        .register(registry)
        .record(duration);
  }

  /** Counts one version that failed to load at {@code step}. */
  public void countLoadFailure(String model, String step) {
    counter(
            "saguaro.inference.model.load.failures",
            "Model versions that failed to load, by the step that failed",
            "model",
            model,
            "step",
            step)
        .increment();
  }

  /** Counts one announcement record that was skipped, with the reason as a short tag value. */
  public void countSkippedAnnouncement(String reason) {
    counter(
            "saguaro.inference.announcements.skipped",
            "Announcement records that could not be applied",
            "reason",
            reason)
        .increment();
  }

  /** Counts one applied announcement of {@code kind}. */
  public void countAppliedAnnouncement(String kind) {
    counter(
            "saguaro.inference.announcements.applied",
            "Announcement records applied to the model state",
            "kind",
            kind)
        .increment();
  }

  /**
   * Registers the per-model gauges: the serving version (0 when none) and the number of versions in
   * each state.
   */
  public <T> void registerModelGauges(
      String model,
      T source,
      ToDoubleFunction<T> servingVersion,
      java.util.function.BiFunction<T, ModelVersionState, Integer> countInState) {
    Gauge.builder("saguaro.inference.model.serving.version", source, servingVersion)
        .description("Version that receives new requests, 0 when none")
        .tag("model", model)
        .strongReference(true)
        .register(registry);
    for (ModelVersionState state : ModelVersionState.values()) {
      Gauge.builder(
              "saguaro.inference.model.versions",
              source,
              s -> countInState.apply(s, state).doubleValue())
          .description("Model versions per lifecycle state")
          .tag("model", model)
          .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(
        name + '\0' + String.join("\0", tags),
        key -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
