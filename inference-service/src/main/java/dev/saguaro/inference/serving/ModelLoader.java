package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.MalformedMessageException;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.UnsupportedSchemaVersionException;
import dev.saguaro.inference.artifact.ArtifactFetcher;
import dev.saguaro.inference.artifact.ArtifactUnpacker;
import dev.saguaro.inference.batching.BatchPolicy;
import dev.saguaro.inference.config.InferenceConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;

/**
 * Turns an announced artifact into a warmed-up {@link LoadedModel}: download, verify the SHA-256,
 * unpack, read and check the metadata, load the SavedModel, check its signatures and warm it up
 * with real calls. Each step that fails raises a {@link ModelLoadException} naming the step; every
 * native object opened before the failure is closed, and the files are deleted either way.
 *
 * <p>Thread-safe, but meant to be called from the single lifecycle thread.
 */
@ApplicationScoped
public class ModelLoader {

  private final InferenceConfig config;
  private final ArtifactFetcher fetcher;
  private final ArtifactUnpacker unpacker;
  private final SignatureChecker signatureChecker = new SignatureChecker();

  public ModelLoader(InferenceConfig config, ArtifactFetcher fetcher) {
    this.config = config;
    this.fetcher = fetcher;
    this.unpacker = new ArtifactUnpacker(config.loading().maxUnpackedBytes());
  }

  /**
   * Loads {@code artifact}.
   *
   * @param closeExecutor runs the close of the returned model once its last lease is given back
   * @param onClosed runs after the returned model closed its bundle
   * @return a model that holds the lifecycle's lease; the caller retires it
   */
  public LoadedModel load(ModelArtifact artifact, Executor closeExecutor, Runnable onClosed)
      throws ModelLoadException {
    Path workDirectory = createWorkDirectory(artifact);
    try {
      Path zip = workDirectory.resolve("artifact.zip");
      fetcher.fetch(artifact, zip);
      Path savedModel = workDirectory.resolve("saved-model");
      unpacker.unpack(zip, savedModel);
      deleteQuietly(zip);

      ModelMetadata metadata = numbered(readMetadata(artifact, savedModel), artifact.version());
      SavedModelBundle bundle = loadBundle(savedModel);
      try {
        LoadedModel.SignatureEndpoints endpoints = signatureChecker.check(bundle, metadata);
        LoadedModel model = new LoadedModel(metadata, bundle, endpoints, closeExecutor, onClosed);
        warmUp(model);
        return model;
      } catch (ModelLoadException | RuntimeException e) {
        bundle.close();
        throw e;
      }
    } finally {
      // TensorFlow has read the variables into memory during the load, so the files can go now.
      deleteRecursively(workDirectory);
    }
  }

  private Path createWorkDirectory(ModelArtifact artifact) throws ModelLoadException {
    try {
      Path base = config.loading().workDirectory();
      Files.createDirectories(base);
      return Files.createTempDirectory(
          base, safeName(artifact.modelName()) + "-v" + artifact.version() + "-");
    } catch (IOException e) {
      throw new ModelLoadException(
          LoadStep.DOWNLOAD,
          "cannot create a directory under saguaro.inference.loading.work-directory = "
              + config.loading().workDirectory()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private ModelMetadata readMetadata(ModelArtifact artifact, Path savedModel)
      throws ModelLoadException {
    Path file = savedModel.resolve(ModelSignatures.METADATA_ENTRY);
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(
          LoadStep.READ_METADATA,
          "the artifact has no " + ModelSignatures.METADATA_ENTRY + " entry");
    }
    ModelMetadata metadata;
    try {
      metadata = ContractCodec.decode(Files.readString(file), ModelMetadata.class);
    } catch (UnsupportedSchemaVersionException | MalformedMessageException e) {
      throw new ModelLoadException(
          LoadStep.READ_METADATA, ModelSignatures.METADATA_ENTRY + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ModelLoadException(LoadStep.READ_METADATA, "cannot read the metadata", e);
    }
    MetadataChecks.requireConsistent(artifact, metadata);
    return metadata;
  }

  private SavedModelBundle loadBundle(Path savedModel) throws ModelLoadException {
    ConfigProto sessionConfig =
        ConfigProto.newBuilder()
            .setIntraOpParallelismThreads(config.tensorflow().intraOpThreads())
            .setInterOpParallelismThreads(config.tensorflow().interOpThreads())
            .build();
    try {
      return SavedModelBundle.loader(savedModel.toString())
          .withTags(ModelSignatures.SERVE_TAG)
          .withConfigProto(sessionConfig)
          .load();
    } catch (TensorFlowException e) {
      throw new ModelLoadException(
          LoadStep.LOAD_SAVED_MODEL,
          "TensorFlow cannot load the SavedModel with tag '"
              + ModelSignatures.SERVE_TAG
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Runs every signature the way serving will, so that the first requests do not pay for kernel
   * selection and memory pools, and so that a model whose outputs are malformed never serves.
   *
   * <p>A new version warms up while the old one serves on the same cores, and TensorFlow runs both
   * sessions' kernels in one shared thread pool. After each warm-up call the loader therefore
   * pauses for {@code warmup-pause-ratio} times as long as the call took, which leaves serving at
   * least half of the pool's time by default.
   */
  private void warmUp(LoadedModel model) throws ModelLoadException {
    List<Integer> allowed = BatchPolicy.from(config.batching()).allowedBatchSizes();
    int runs = Math.max(1, config.loading().warmupRuns());
    double pauseRatio = Math.max(0, config.loading().warmupPauseRatio());
    long started = System.nanoTime();
    try {
      for (int run = 0; run < runs; run++) {
        // The first pass visits every batch size the batcher can form, later passes the extremes.
        List<Integer> sizes =
            run == 0 ? allowed : List.of(allowed.get(0), allowed.get(allowed.size() - 1));
        for (int size : sizes) {
          long callStarted = System.nanoTime();
          WarmupChecks.classifyAndCheck(model, size);
          pause((long) ((System.nanoTime() - callStarted) * pauseRatio));
        }
      }
      WarmupChecks.compareWithServingDefault(model);
    } catch (TensorFlowException | IllegalStateException e) {
      throw new ModelLoadException(LoadStep.WARM_UP, e.getMessage(), e);
    }
    Log.debugf(
        "Model %s version %d warmed up in %d ms",
        model.modelName(), model.version(), (System.nanoTime() - started) / 1_000_000);
  }

  private static void pause(long nanos) throws ModelLoadException {
    if (nanos <= 0) {
      return;
    }
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelLoadException(LoadStep.WARM_UP, "interrupted while warming up", e);
    }
  }

  private static String safeName(String modelName) {
    return modelName == null ? "model" : modelName.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      Log.debugf("Cannot delete %s: %s", file, e.getMessage());
    }
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ModelLoader::deleteQuietly);
    } catch (IOException e) {
      Log.warnf("Cannot delete the work directory %s: %s", root, e.getMessage());
    }
  }

  /**
   * Returns the metadata with the announced version number. The trainer writes version 0, because
   * the ingest service numbers a version only after the zip and its SHA-256 are final.
   */
  private static ModelMetadata numbered(ModelMetadata metadata, long version) {
    if (metadata.version() == version) {
      return metadata;
    }
    return new ModelMetadata(
        metadata.schemaVersion(),
        metadata.modelName(),
        version,
        metadata.classNames(),
        metadata.imageSize(),
        metadata.hyperparameters(),
        metadata.runId(),
        metadata.snapshotId(),
        metadata.finalMetrics(),
        metadata.createdAt());
  }
}
