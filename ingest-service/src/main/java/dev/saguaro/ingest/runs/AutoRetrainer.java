package dev.saguaro.ingest.runs;

import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.LabeledImage;
import dev.saguaro.ingest.storage.RunState;
import dev.saguaro.ingest.storage.TrainingRun;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Requests a training run by itself when a dataset has collected enough newly labeled images.
 *
 * <p>A dataset qualifies when at least {@code min-new-images} images were uploaded or relabeled
 * after its last run was created (or ever, before its first run), no run of it is queued or
 * running, and its last run started by this service is older than {@code min-interval}. The run
 * records trigger AUTOMATIC and {@code requestedBy} from {@code saguaro.ingest.auto-retrain
 * .requested-by}.
 */
@ApplicationScoped
public class AutoRetrainer {

  @Inject IngestConfig config;
  @Inject TrainingRunService runs;

  private ScheduledExecutorService thread;

  void onStart(@Observes StartupEvent event) {
    IngestConfig.AutoRetrain settings = config.autoRetrain();
    if (!settings.enabled()) {
      Log.info("Automatic retraining is off (saguaro.ingest.auto-retrain.enabled=false)");
      return;
    }
    List<String> problems = settings.hyperparameters().toOverrides().validate();
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "Invalid saguaro.ingest.auto-retrain.hyperparameters: " + String.join("; ", problems));
    }
    thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread retrainer = new Thread(runnable, "auto-retrain");
              retrainer.setDaemon(true);
              return retrainer;
            });
    long periodMs = settings.checkInterval().toMillis();
    thread.scheduleWithFixedDelay(this::checkDatasets, periodMs, periodMs, TimeUnit.MILLISECONDS);
    Log.infof(
        "Automatic retraining on: after %d newly labeled images, at most once per %s, with %s",
        settings.minNewImages(), settings.minInterval(), settings.hyperparameters().toOverrides());
  }

  void onStop(@Observes ShutdownEvent event) {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  private void checkDatasets() {
    try {
      List<String> names =
          QuarkusTransaction.requiringNew()
              .call(() -> Dataset.<Dataset>listAll().stream().map(d -> d.name).toList());
      for (String name : names) {
        checkDataset(name);
      }
    } catch (RuntimeException e) {
      Log.errorf(
          e,
          "Automatic retraining check failed; trying again in %s",
          config.autoRetrain().checkInterval());
    }
  }

  /** Requests a run of {@code datasetName} if it qualifies; returns the run if one was created. */
  public Optional<TrainingRun> checkDataset(String datasetName) {
    long newImages =
        QuarkusTransaction.requiringNew().call(() -> countQualifyingImages(datasetName));
    if (newImages < 0) {
      return Optional.empty();
    }
    try {
      TrainingRun run =
          runs.requestRun(
              datasetName,
              null,
              config.autoRetrain().hyperparameters().toOverrides(),
              RunTrigger.AUTOMATIC,
              config.autoRetrain().requestedBy());
      Log.infof(
          "Requested run %s of dataset %s automatically after %d newly labeled images",
          run.id, datasetName, newImages);
      return Optional.of(run);
    } catch (ProblemException e) {
      // Typically a dataset with a single class so far: wait for more images.
      Log.debugf("Dataset %s is not trainable yet: %s", datasetName, e.detail());
      return Optional.empty();
    }
  }

  /** Returns the newly labeled images of a qualifying dataset, or -1 if it does not qualify. */
  private long countQualifyingImages(String datasetName) {
    IngestConfig.AutoRetrain settings = config.autoRetrain();
    long active =
        TrainingRun.count(
            "modelName = ?1 and state in ?2",
            datasetName,
            List.of(RunState.QUEUED, RunState.RUNNING, RunState.CANCELLING));
    if (active > 0) {
      return -1;
    }
    TrainingRun last =
        TrainingRun.<TrainingRun>find("modelName", Sort.by("createdAt").descending(), datasetName)
            .firstResult();
    Instant since = last == null ? Instant.EPOCH : last.createdAt;
    long newImages = LabeledImage.count("datasetName = ?1 and labeledAt > ?2", datasetName, since);
    if (newImages < settings.minNewImages()) {
      return -1;
    }
    TrainingRun lastAutomatic =
        TrainingRun.<TrainingRun>find(
                "modelName = ?1 and trigger = ?2",
                Sort.by("createdAt").descending(),
                datasetName,
                RunTrigger.AUTOMATIC)
            .firstResult();
    boolean tooSoon =
        lastAutomatic != null
            && Duration.between(lastAutomatic.createdAt, Instant.now())
                    .compareTo(settings.minInterval())
                < 0;
    return tooSoon ? -1 : newImages;
  }
}
