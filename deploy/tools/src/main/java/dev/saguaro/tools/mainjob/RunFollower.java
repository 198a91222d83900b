package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingHyperparameters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Watches training runs through the ingest service's runs API: waits for the run that automatic
 * retraining requests, then prints its state changes and each finished epoch until it ends.
 */
public final class RunFollower {

  private static final Duration POLL_INTERVAL = Duration.ofSeconds(2);
  private static final Set<String> TERMINAL_STATES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private final IngestApi ingest;
  private final JobConsole console;

  public RunFollower(IngestApi ingest, JobConsole console) {
    this.ingest = ingest;
    this.console = console;
  }

  /**
   * Waits for a run of {@code modelName} whose id is not in {@code knownRunIds}.
   *
   * @throws IllegalStateException when none appears within {@code timeout}
   */
  public JsonNode awaitNewRun(String modelName, Set<String> knownRunIds, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode run : ingest.listRuns(modelName)) {
        if (!knownRunIds.contains(run.path("id").asText())) {
          return run;
        }
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        "No new training run of "
            + modelName
            + " appeared within "
            + timeout.toSeconds()
            + " s; check saguaro.ingest.auto-retrain.* in the ingest log");
  }

  /** Returns the ids of the runs of {@code modelName} so far. */
  public Set<String> knownRunIds(String modelName) {
    Set<String> ids = new java.util.HashSet<>();
    for (JsonNode run : ingest.listRuns(modelName)) {
      ids.add(run.path("id").asText());
    }
    return ids;
  }

  /**
   * Prints the run's progress until it reaches SUCCEEDED, FAILED or CANCELLED and returns its last
   * state.
   *
   * @throws IllegalStateException when it has not ended within {@code timeout}
   */
  public JsonNode followToEnd(String runId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastState = "";
    int printedEpochs = 0;
    while (System.nanoTime() < deadline) {
      JsonNode run = ingest.getRun(runId);
      String state = run.path("state").asText();
      // Epochs first: a poll can see the last epoch and the end of the run at once.
      List<EpochMetrics> history = metricsHistory(run);
      for (; printedEpochs < history.size(); printedEpochs++) {
        console.line("  %s", describeEpoch(history.get(printedEpochs), run));
      }
      if (!state.equals(lastState)) {
        console.line("run %s: %s%s", shortId(runId), state, describeState(run));
        lastState = state;
      }
      if (TERMINAL_STATES.contains(state)) {
        return run;
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        "Run "
            + runId
            + " did not end within "
            + timeout.toMinutes()
            + " min (still "
            + lastState
            + ")");
  }

  /** Reads the run's {@code metricsHistory} array. */
  public static List<EpochMetrics> metricsHistory(JsonNode run) {
    List<EpochMetrics> history = new ArrayList<>();
    for (JsonNode epoch : run.path("metricsHistory")) {
      history.add(ContractCodec.mapper().convertValue(epoch, EpochMetrics.class));
    }
    return history;
  }

  /** Reads the run's hyperparameters, with every field filled in by the ingest service. */
  public static Optional<TrainingHyperparameters> hyperparameters(JsonNode run) {
    JsonNode node = run.path("hyperparameters");
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(ContractCodec.mapper().convertValue(node, TrainingHyperparameters.class));
  }

  private static String describeState(JsonNode run) {
    return switch (run.path("state").asText()) {
      case "QUEUED" ->
          " (trigger "
              + run.path("trigger").asText()
              + ", attempt "
              + run.path("attempt").asInt()
              + ")";
      case "RUNNING" -> " on trainer " + run.path("trainerId").asText("?");
      case "SUCCEEDED" -> ", model version " + run.path("modelVersion").asText("?");
      case "FAILED" -> ": " + run.path("failureReason").asText("no reason given");
      default -> "";
    };
  }

  private static String describeEpoch(EpochMetrics epoch, JsonNode run) {
    String total = run.path("totalEpochs").isNumber() ? "/" + run.path("totalEpochs").asInt() : "";
    String auc =
        epoch.validationAuc() == null
            ? ""
            : String.format(java.util.Locale.ROOT, " val_auc %.4f", epoch.validationAuc());
    return String.format(
        java.util.Locale.ROOT,
        "epoch %d%s (phase %d): loss %.4f acc %.4f | val_loss %.4f val_acc %.4f%s | %.1f s, %.0f"
            + " images/s",
        epoch.epoch(),
        total,
        epoch.phase(),
        epoch.trainLoss(),
        epoch.trainAccuracy(),
        epoch.validationLoss(),
        epoch.validationAccuracy(),
        auc,
        epoch.durationSeconds(),
        epoch.imagesPerSecond());
  }

  static String shortId(String runId) {
    return runId.length() > 8 ? runId.substring(0, 8) : runId;
  }
}
