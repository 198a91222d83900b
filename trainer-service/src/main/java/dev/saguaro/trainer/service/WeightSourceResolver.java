package dev.saguaro.trainer.service;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.trainer.client.IngestClient;
import dev.saguaro.trainer.config.TrainerConfig;
import dev.saguaro.trainer.model.keras.KerasWeightsFile;
import dev.saguaro.trainer.training.WeightSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a request's {@code initialization} into the {@link WeightSource} the trainer starts from:
 *
 * <ul>
 *   <li>AUTO: the ImageNet weights file for the run's alpha and image size if it is in the weights
 *       directory, else a random initialisation;
 *   <li>IMAGENET: that file, and the run fails when it is missing;
 *   <li>SERVED_MODEL: the version the ingest service serves, downloaded, checked against its
 *       SHA-256 and unzipped into the run's directory; the run fails when there is none;
 *   <li>RANDOM: a seeded random initialisation.
 * </ul>
 *
 * Weights are never downloaded from anywhere but the ingest service. Thread-safe.
 */
@ApplicationScoped
public class WeightSourceResolver {

  private final TrainerConfig config;
  private final IngestClient ingest;

  public WeightSourceResolver(TrainerConfig config, IngestClient ingest) {
    this.config = config;
    this.ingest = ingest;
  }

  /**
   * Resolves the weight source of {@code run}; downloads go under {@code runDirectory}, which the
   * caller deletes after the run.
   *
   * @throws RunFailedException when the requested source is not available
   */
  WeightSource resolve(ActiveRun run, TrainingHyperparameters hyperparameters, Path runDirectory) {
    return switch (hyperparameters.initialization()) {
      case RANDOM -> new WeightSource.Random();
      case AUTO ->
          imageNetFile(hyperparameters)
              .<WeightSource>map(WeightSource.ImageNet::new)
              .orElseGet(
                  () -> {
                    Log.infof(
                        "Run %s: no ImageNet weights file %s; initialization AUTO starts from random"
                            + " weights",
                        run.runId(), imageNetPath(hyperparameters));
                    return new WeightSource.Random();
                  });
      case IMAGENET ->
          imageNetFile(hyperparameters)
              .<WeightSource>map(WeightSource.ImageNet::new)
              .orElseThrow(
                  () ->
                      new RunFailedException(
                          "initialization IMAGENET needs the Keras weights file "
                              + imageNetPath(hyperparameters)
                              + " on the trainer, and it is missing; copy the file there (the trainer"
                              + " never downloads weights) or request initialization AUTO or"
                              + " RANDOM"));
      case SERVED_MODEL -> servedModel(run, hyperparameters, runDirectory);
    };
  }

  private Optional<Path> imageNetFile(TrainingHyperparameters hyperparameters) {
    Path file = imageNetPath(hyperparameters);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  private Path imageNetPath(TrainingHyperparameters hyperparameters) {
    String name =
        KerasWeightsFile.standardFileName(hyperparameters.alpha(), hyperparameters.imageSize());
    return config.imagenetWeightsDirectory().resolve(name);
  }

  private WeightSource servedModel(
      ActiveRun run, TrainingHyperparameters hyperparameters, Path runDirectory) {
    String modelName = run.request().modelName();
    ModelArtifact served =
        ingest
            .findServingModel(run.runId(), modelName)
            .orElseThrow(
                () ->
                    new RunFailedException(
                        "initialization SERVED_MODEL needs a served version of model "
                            + modelName
                            + ", but it has none yet; train a first version with initialization"
                            + " AUTO, IMAGENET or RANDOM"));
    if (served.imageSize() != hyperparameters.imageSize()) {
      throw new RunFailedException(
          "initialization SERVED_MODEL: served version "
              + served.version()
              + " of model "
              + modelName
              + " has image size "
              + served.imageSize()
              + ", but the run asks for "
              + hyperparameters.imageSize()
              + "; request imageSize "
              + served.imageSize());
    }

    try {
      Path zip = runDirectory.resolve("served-model.zip");
      String sha256 = ingest.downloadArtifact(run.runId(), served, zip);
      if (!sha256.equalsIgnoreCase(served.sha256())) {
        throw new RunFailedException(
            "The download of served version "
                + served.version()
                + " of model "
                + modelName
                + " has SHA-256 "
                + sha256
                + ", but the ingest service announced "
                + served.sha256()
                + "; the stored artifact may be corrupt");
      }
      Path directory = runDirectory.resolve("served-model");
      ArtifactZip.unzip(zip, directory);
      Files.delete(zip);
      Log.infof(
          "Run %s starts from served version %d of model %s",
          run.runId(), served.version(), modelName);
      return new WeightSource.ServedModel(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Unpacking served version " + served.version() + " of model " + modelName, e);
    }
  }
}
