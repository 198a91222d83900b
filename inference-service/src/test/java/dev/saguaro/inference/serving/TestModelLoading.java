package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.inference.artifact.ArtifactFetcher;
import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.Artifacts;
import dev.saguaro.inference.support.TestConfigs;
import dev.saguaro.inference.support.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Loads tiny models outside Quarkus, for unit tests of the classes that use them. */
public final class TestModelLoading {

  private TestModelLoading() {}

  /** Loads version {@code version} of a tiny model; the caller retires it. */
  public static LoadedModel loadTinyModel(long version, Path directory) throws Exception {
    InferenceConfig config =
        TestConfigs.inferenceConfig(
            Map.of(
                "saguaro.inference.loading.work-directory", directory.resolve("work").toString(),
                "saguaro.inference.batching.max-batch-size", "8",
                "saguaro.inference.loading.warmup-runs", "1"));
    Files.createDirectories(directory);
    byte[] bytes = TinyModels.artifact("tiny", version);
    Path zip = directory.resolve("tiny-" + version + ".zip");
    Files.write(zip, bytes);
    ModelArtifact artifact =
        Announcer.artifact(
            "tiny", version, zip.toUri().toString(), Artifacts.sha256(bytes), bytes.length);
    return new ModelLoader(config, new ArtifactFetcher(config))
        .load(artifact, Runnable::run, () -> {});
  }

  /** Runs {@code preprocess} on {@code imageBytes}; the caller closes the result. */
  public static PreprocessedImage preprocess(LoadedModel model, byte[] imageBytes) {
    return model.preprocess(imageBytes);
  }

  /** Gives back the lifecycle's lease, as the lifecycle does when a version is superseded. */
  public static void retire(LoadedModel model) {
    model.retire();
  }
}
