package dev.saguaro.trainer.service;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.trainer.client.IngestClient;
import dev.saguaro.trainer.client.IngestRejectedException;
import dev.saguaro.trainer.client.IngestUnavailableException;
import dev.saguaro.trainer.config.TrainerConfig;
import dev.saguaro.trainer.data.TrainingDataset;
import dev.saguaro.trainer.messaging.ModelVersionPublisher;
import dev.saguaro.trainer.messaging.TrainingEventPublisher;
import dev.saguaro.trainer.snapshot.InvalidSnapshotException;
import dev.saguaro.trainer.snapshot.SnapshotArchiveReader;
import dev.saguaro.trainer.training.InvalidTrainingDataException;
import dev.saguaro.trainer.training.RecipeTrainer;
import dev.saguaro.trainer.training.TrainedModel;
import dev.saguaro.trainer.training.TrainerSettings;
import dev.saguaro.trainer.training.TrainingCancelledException;
import dev.saguaro.trainer.training.WeightSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Executes one claimed training attempt, from snapshot to announced model. It downloads the
 * snapshot, resolves the starting weights, trains, exports and zips the model, uploads it to the
 * ingest service, checks the stored SHA-256 and announces the version. Every attempt ends with
 * exactly one final event: SUCCEEDED, FAILED with a reason, or CANCELLED.
 *
 * <p>Temporary files live in one directory per attempt under the work directory, which is deleted
 * when the attempt ends. Blocking, so call it on a worker thread.
 */
@ApplicationScoped
public class TrainingRunner {

  private final TrainerConfig config;
  private final IngestClient ingest;
  private final WeightSourceResolver weightSources;
  private final TrainingEventPublisher events;
  private final ModelVersionPublisher announcements;
  private final TrainingRunMetrics metrics;
  private final TrainedModelObserver observer;
  private final SnapshotArchiveReader snapshotReader = new SnapshotArchiveReader();

  public TrainingRunner(
      TrainerConfig config,
      IngestClient ingest,
      WeightSourceResolver weightSources,
      TrainingEventPublisher events,
      ModelVersionPublisher announcements,
      TrainingRunMetrics metrics,
      TrainedModelObserver observer) {
    this.config = config;
    this.ingest = ingest;
    this.weightSources = weightSources;
    this.events = events;
    this.announcements = announcements;
    this.metrics = metrics;
    this.observer = observer;
  }

  /** Runs the claimed attempt {@code run} to its final event; every exception becomes FAILED. */
  void execute(ActiveRun run) {
    TrainingRequest request = run.request();
    long startedNanos = System.nanoTime();
    metrics.runStarted();
    Path runDirectory = null;
    try {
      TrainingHyperparameters hyperparameters = validatedHyperparameters(request);
      run.setTotalEpochs(hyperparameters.phase1Epochs() + hyperparameters.phase2Epochs());
      events.publishStarted(run);
      Log.infof(
          "Run %s attempt %d started: model %s, snapshot %s, %s",
          run.runId(), run.attempt(), request.modelName(), request.snapshotId(), hyperparameters);

      runDirectory = createRunDirectory(run);
      ModelArtifact stored = trainAndStore(run, hyperparameters, runDirectory);

      run.enterStage(RunStage.ANNOUNCING);
      await(
          announcements.announceNewVersion(request, stored, run.lastEpochMetrics()),
          "announcement of model " + stored.modelName() + " version " + stored.version());
      await(events.publishSucceeded(run, stored), "SUCCEEDED event of run " + run.runId());
      metrics.runSucceeded();
      Log.infof(
          "Run %s attempt %d succeeded: model %s version %d stored (sha256 %s) and announced in %d"
              + " s",
          run.runId(),
          run.attempt(),
          stored.modelName(),
          stored.version(),
          stored.sha256(),
          elapsedSeconds(startedNanos));
    } catch (TrainingCancelledException e) {
      finishCancelled(run);
    } catch (InvalidSnapshotException
        | InvalidTrainingDataException
        | RunFailedException
        | IngestUnavailableException
        | IngestRejectedException e) {
      fail(run, e.getMessage(), null);
    } catch (RuntimeException e) {
      fail(run, "The trainer failed unexpectedly: " + e.getMessage(), e);
    } finally {
      deleteRunDirectory(run, runDirectory);
    }
  }

  private ModelArtifact trainAndStore(
      ActiveRun run, TrainingHyperparameters hyperparameters, Path runDirectory)
      throws TrainingCancelledException, InvalidTrainingDataException {
    TrainingRequest request = run.request();

    run.enterStage(RunStage.DOWNLOADING_SNAPSHOT);
    long downloadStart = System.nanoTime();
    TrainingDataset dataset =
        ingest.readSnapshotArchive(
            run.runId(), URI.create(request.snapshotArchiveUri()), snapshotReader::read);
    Log.infof(
        "Run %s: snapshot %s read with %d images of %d classes %s in %d s",
        run.runId(),
        dataset.snapshotId(),
        dataset.images().size(),
        dataset.classNames().size(),
        dataset.classNames(),
        elapsedSeconds(downloadStart));
    stopIfRequested(run);

    run.enterStage(RunStage.PREPARING_WEIGHTS);
    WeightSource weights = weightSources.resolve(run, hyperparameters, runDirectory);
    stopIfRequested(run);

    run.enterStage(RunStage.TRAINING);
    Path artifactZip = runDirectory.resolve("artifact.zip");
    String sha256;
    RecipeTrainer trainer = new RecipeTrainer(trainerSettings());
    try (TrainedModel model =
        trainer.train(
            dataset,
            hyperparameters,
            weights,
            new PublishingTrainingListener(run, events, metrics),
            run::shouldStop)) {
      observer.onModelTrained(run, model);
      run.enterStage(RunStage.EXPORTING);
      sha256 = exportArtifact(run, model, hyperparameters, runDirectory, artifactZip);
    }

    run.enterStage(RunStage.UPLOADING);
    ModelArtifact stored = ingest.uploadModelVersion(run.runId(), request.modelName(), artifactZip);
    if (!sha256.equalsIgnoreCase(stored.sha256())) {
      throw new RunFailedException(
          "The ingest service stored model "
              + stored.modelName()
              + " version "
              + stored.version()
              + " with SHA-256 "
              + stored.sha256()
              + ", but the uploaded zip has "
              + sha256
              + "; the upload was corrupted, so the version is not announced");
    }
    return stored;
  }

  private String exportArtifact(
      ActiveRun run,
      TrainedModel model,
      TrainingHyperparameters hyperparameters,
      Path runDirectory,
      Path artifactZip) {
    TrainingRequest request = run.request();
    List<EpochMetrics> history = model.history();
    EpochMetrics finalMetrics = history.isEmpty() ? null : history.get(history.size() - 1);
    // NOTE: the ingest service numbers a version when it stores the upload, after the zip and its
    // SHA-256 are final. The metadata inside the artifact therefore carries version 0, and the real
    // number is in the ModelArtifact that the upload returns and the announcement carries.
    ModelMetadata metadata =
        new ModelMetadata(
            SchemaVersion.CURRENT,
            request.modelName(),
            0,
            model.classNames(),
            model.imageSize(),
            hyperparameters,
            request.runId(),
            request.snapshotId(),
            finalMetrics,
            Instant.now());

    Path exportDirectory = runDirectory.resolve("saved-model");
    try {
      model.exportSavedModel(exportDirectory, metadata);
      String sha256 = ArtifactZip.zipDirectory(exportDirectory, artifactZip);
      Log.infof(
          "Run %s: exported model artifact of %d bytes (sha256 %s)",
          run.runId(), Files.size(artifactZip), sha256);
      return sha256;
    } catch (IOException e) {
      throw new UncheckedIOException("Zipping the exported model of run " + run.runId(), e);
    }
  }

  private TrainerSettings trainerSettings() {
    TrainerConfig.ActivationCache cache = config.activationCache();
    return new TrainerSettings(
        config.intraOpThreads(),
        config.interOpThreads(),
        cache.enabled(),
        cache.memoryBytes(),
        cache.spillDirectory().orElse(config.workDirectory().resolve("spill")));
  }

  private static TrainingHyperparameters validatedHyperparameters(TrainingRequest request) {
    TrainingHyperparameters requested =
        request.hyperparameters() == null
            ? TrainingHyperparameters.none()
            : request.hyperparameters();
    TrainingHyperparameters filled = requested.withDefaults();
    List<String> problems = filled.validate();
    if (!problems.isEmpty()) {
      throw new RunFailedException("Invalid training settings: " + String.join("; ", problems));
    }
    return filled;
  }

  private static void stopIfRequested(ActiveRun run) throws TrainingCancelledException {
    if (run.shouldStop()) {
      throw new TrainingCancelledException("Run " + run.runId() + " was asked to stop");
    }
  }

  private void finishCancelled(ActiveRun run) {
    if (run.isAbandoned()) {
      Log.warnf(
          "Run %s attempt %d stopped without a final event because the trainer shuts down",
          run.runId(), run.attempt());
      return;
    }
    metrics.runCancelled();
    Log.infof("Run %s attempt %d cancelled", run.runId(), run.attempt());
    awaitQuietly(events.publishCancelled(run), run, "CANCELLED");
  }

  private void fail(ActiveRun run, String reason, RuntimeException unexpected) {
    metrics.runFailed();
    if (unexpected != null) {
      Log.errorf(unexpected, "Run %s attempt %d failed: %s", run.runId(), run.attempt(), reason);
    } else {
      Log.errorf("Run %s attempt %d failed: %s", run.runId(), run.attempt(), reason);
    }
    awaitQuietly(events.publishFailed(run, reason), run, "FAILED");
  }

  private void await(CompletionStage<Void> sent, String what) {
    long timeoutMillis = config.publishTimeout().toMillis();
    try {
      sent.toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new RunFailedException(
          "Kafka did not accept the " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new RunFailedException(
          "Kafka did not acknowledge the " + what + " within " + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunFailedException("Interrupted while publishing the " + what, e);
    }
  }

  private void awaitQuietly(CompletionStage<Void> sent, ActiveRun run, String type) {
    try {
      await(sent, type + " event of run " + run.runId());
    } catch (RunFailedException e) {
      Log.errorf("Run %s attempt %d: %s", run.runId(), run.attempt(), e.getMessage());
    }
  }

  private Path createRunDirectory(ActiveRun run) {
    try {
      Path parent = Files.createDirectories(config.workDirectory());
      return Files.createTempDirectory(parent, "run-" + safeName(run.runId()) + "-");
    } catch (IOException e) {
      throw new RunFailedException(
          "The trainer cannot create a directory under saguaro.trainer.work-directory "
              + config.workDirectory()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void deleteRunDirectory(ActiveRun run, Path runDirectory) {
    if (runDirectory == null) {
      return;
    }
    try {
      ArtifactZip.deleteRecursively(runDirectory);
    } catch (IOException e) {
      Log.warnf(
          "Run %s: temporary directory %s was not fully deleted: %s",
          run.runId(), runDirectory, e.getMessage());
    }
  }

  private static String safeName(String runId) {
    return runId.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static long elapsedSeconds(long startNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }
}
