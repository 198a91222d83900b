package dev.saguaro.trainer.service;

import dev.saguaro.contracts.EpochMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Micrometer meters of the trainer, exposed on {@code /q/metrics}: runs started, succeeded, failed
 * and cancelled, epoch duration, and training images per second. Thread-safe.
 */
// Created at start so that the meters show on /q/metrics (at 0) before the first run.
@Startup
@ApplicationScoped
public class TrainingRunMetrics {

  private final Counter started;
  private final Counter succeeded;
  private final Counter failed;
  private final Counter cancelled;
  private final Timer epochDuration;
  private final DistributionSummary imagesPerSecond;

  public TrainingRunMetrics(MeterRegistry registry, TrainingRunRegistry runs) {
    this.started = runCounter(registry, "started", "Training attempts this trainer started");
    this.succeeded =
        runCounter(registry, "succeeded", "Training attempts that stored and announced a model");
    this.failed = runCounter(registry, "failed", "Training attempts that failed");
    this.cancelled = runCounter(registry, "cancelled", "Training attempts that were cancelled");
    this.epochDuration =
        Timer.builder("saguaro.trainer.epoch.duration")
            .description("Wall time of one epoch, validation included")
            .register(registry);
    this.imagesPerSecond =
        DistributionSummary.builder("saguaro.trainer.epoch.images.per.second")
            .description("Training images processed per second of training time, per epoch")
            .register(registry);
    registry.gauge("saguaro.trainer.runs.active", runs, r -> r.activeRuns().size());
  }

  private static Counter runCounter(MeterRegistry registry, String outcome, String description) {
    return Counter.builder("saguaro.trainer.runs")
        .tag("outcome", outcome)
        .description(description)
        .register(registry);
  }

  void runStarted() {
    started.increment();
  }

  void runSucceeded() {
    succeeded.increment();
  }

  void runFailed() {
    failed.increment();
  }

  void runCancelled() {
    cancelled.increment();
  }

  void epochCompleted(EpochMetrics metrics) {
    epochDuration.record(Duration.ofMillis(Math.round(metrics.durationSeconds() * 1000)));
    imagesPerSecond.record(metrics.imagesPerSecond());
  }
}
