package dev.saguaro.tools.mainjob;

import dev.saguaro.contracts.TrainingHyperparameters;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command lines and environments of the three services for a main job. Every service listens on
 * 127.0.0.1 on its port, uses the job's Kafka and PostgreSQL, finds the others and keeps its data
 * under the state directory. Automatic retraining is set so that each uploaded batch triggers one
 * run with the job's hyperparameters.
 */
public final class ServiceSpecs {

  /** Share of a batch that must be stored to trigger a run: duplicates are not stored twice. */
  static final double TRIGGER_SHARE = 0.98;

  private ServiceSpecs() {}

  /** Returns the specs in start order: ingest, trainer, inference. */
  public static List<ServiceSpec> of(MainJobSettings settings) {
    return List.of(ingest(settings), trainer(settings), inference(settings));
  }

  /** Returns the number of newly stored images that makes the ingest service request a run. */
  public static int triggerThreshold(MainJobSettings settings) {
    int smallerBatch = Math.min(settings.firstBatchImages(), settings.secondBatchImages());
    return Math.max(1, (int) Math.floor(smallerBatch * TRIGGER_SHARE));
  }

  static ServiceSpec ingest(MainJobSettings settings) {
    Path data = settings.stateDirectory().resolve("services/ingest");
    Map<String, String> env = common(settings, settings.ports().ingest());
    MainJobSettings.Infrastructure infrastructure = settings.infrastructure();
    env.put("QUARKUS_DATASOURCE_JDBC_URL", infrastructure.jdbcUrl());
    env.put("QUARKUS_DATASOURCE_USERNAME", infrastructure.jdbcUsername());
    env.put("QUARKUS_DATASOURCE_PASSWORD", infrastructure.jdbcPassword());
    env.put("SAGUARO_INGEST_PUBLIC_URL", ingestUrl(settings));
    env.put("SAGUARO_INGEST_API_KEYS", settings.apiKey());
    env.put("SAGUARO_INGEST_STORAGE_BLOB_DIRECTORY", data.resolve("blobs").toString());
    env.put("SAGUARO_INGEST_STORAGE_SPOOL_DIRECTORY", data.resolve("spool").toString());
    // One transaction per import, so that a run never starts on half a batch.
    int largerBatch = Math.max(settings.firstBatchImages(), settings.secondBatchImages());
    env.put("SAGUARO_INGEST_IMPORTS_CHUNK_SIZE", Integer.toString(largerBatch));
    env.put("SAGUARO_INGEST_AUTO_RETRAIN_ENABLED", "true");
    env.put(
        "SAGUARO_INGEST_AUTO_RETRAIN_MIN_NEW_IMAGES", Integer.toString(triggerThreshold(settings)));
    env.put("SAGUARO_INGEST_AUTO_RETRAIN_MIN_INTERVAL", "1s");
    env.put("SAGUARO_INGEST_AUTO_RETRAIN_CHECK_INTERVAL", "2s");
    env.put("SAGUARO_INGEST_AUTO_RETRAIN_REQUESTED_BY", "main-job-auto-retrain");
    env.putAll(autoRetrainHyperparameters(settings.hyperparameters()));
    return new ServiceSpec(
        "ingest",
        settings.serviceJar("ingest-service"),
        settings.ports().ingest(),
        "/q/health/ready",
        List.of("-Xmx768m"),
        env);
  }

  static ServiceSpec trainer(MainJobSettings settings) {
    Map<String, String> env = common(settings, settings.ports().trainer());
    env.put("SAGUARO_TRAINER_INGEST_BASE_URL", ingestUrl(settings));
    env.put("SAGUARO_TRAINER_INGEST_API_KEY", settings.apiKey());
    env.put(
        "SAGUARO_TRAINER_WORK_DIRECTORY",
        settings.stateDirectory().resolve("services/trainer").toString());
    // Half the heap caches frozen-layer activations, and the rest keeps the model and batches.
    long heapBytes = parseHeap(settings.trainerHeap());
    env.put("SAGUARO_TRAINER_ACTIVATION_CACHE_MEMORY_BYTES", Long.toString(heapBytes / 2));
    return new ServiceSpec(
        "trainer",
        settings.serviceJar("trainer-service"),
        settings.ports().trainer(),
        "/q/health/ready",
        List.of("-Xmx" + settings.trainerHeap()),
        env);
  }

  static ServiceSpec inference(MainJobSettings settings) {
    Map<String, String> env = common(settings, settings.ports().inference());
    env.put("SAGUARO_INFERENCE_DEFAULT_MODEL", settings.datasetName());
    env.put(
        "SAGUARO_INFERENCE_LOADING_WORK_DIRECTORY",
        settings.stateDirectory().resolve("services/inference").toString());
    // Readiness waits for a serving model, which arrives only after the first run: wait for
    // liveness at start.
    return new ServiceSpec(
        "inference",
        settings.serviceJar("inference-service"),
        settings.ports().inference(),
        "/q/health/live",
        List.of("-Xmx1g"),
        env);
  }

  /**
   * Returns the environment variables of {@code saguaro.ingest.auto-retrain.hyperparameters.*}, the
   * overrides that automatic runs take from the ingest service's configuration.
   */
  static Map<String, String> autoRetrainHyperparameters(TrainingHyperparameters hyperparameters) {
    String prefix = "SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_";
    Map<String, String> env = new LinkedHashMap<>();
    putIfSet(env, prefix + "ALPHA", hyperparameters.alpha());
    putIfSet(env, prefix + "IMAGE_SIZE", hyperparameters.imageSize());
    putIfSet(env, prefix + "BATCH_SIZE", hyperparameters.batchSize());
    putIfSet(env, prefix + "VALIDATION_FRACTION", hyperparameters.validationFraction());
    putIfSet(env, prefix + "SEED", hyperparameters.seed());
    putIfSet(env, prefix + "SHUFFLE_BUFFER", hyperparameters.shuffleBuffer());
    putIfSet(env, prefix + "PHASE1_EPOCHS", hyperparameters.phase1Epochs());
    putIfSet(env, prefix + "PHASE1_LEARNING_RATE", hyperparameters.phase1LearningRate());
    putIfSet(env, prefix + "PHASE2_EPOCHS", hyperparameters.phase2Epochs());
    putIfSet(env, prefix + "PHASE2_LEARNING_RATE", hyperparameters.phase2LearningRate());
    putIfSet(env, prefix + "FINE_TUNE_AT", hyperparameters.fineTuneAt());
    putIfSet(env, prefix + "INITIALIZATION", hyperparameters.initialization());
    putIfSet(
        env,
        prefix + "TRAIN_WHOLE_NETWORK_WHEN_RANDOM",
        hyperparameters.trainWholeNetworkWhenRandom());
    return env;
  }

  /** Returns the ingest service's base URL. */
  public static String ingestUrl(MainJobSettings settings) {
    return "http://127.0.0.1:" + settings.ports().ingest();
  }

  private static Map<String, String> common(MainJobSettings settings, int port) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("KAFKA_BOOTSTRAP_SERVERS", settings.infrastructure().kafkaBootstrapServers());
    env.put("TF_CPP_MIN_LOG_LEVEL", "2");
    return env;
  }

  private static void putIfSet(Map<String, String> env, String name, Object value) {
    if (value != null) {
      env.put(name, value.toString());
    }
  }

  /** Parses a JVM heap size such as {@code 3g}, {@code 1536m} or a number of bytes. */
  static long parseHeap(String heap) {
    String value = heap.trim().toLowerCase(java.util.Locale.ROOT);
    long unit =
        switch (value.charAt(value.length() - 1)) {
          case 'g' -> 1L << 30;
          case 'm' -> 1L << 20;
          case 'k' -> 1L << 10;
          default -> 1L;
        };
    String digits = unit == 1 ? value : value.substring(0, value.length() - 1);
    try {
      return Long.parseLong(digits) * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Heap size '" + heap + "' is invalid; use a size such as 3g or 1536m", e);
    }
  }
}
