package dev.saguaro.ingest.config;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Settings of the ingest service, under {@code saguaro.ingest.*}. */
@ConfigMapping(prefix = "saguaro.ingest")
public interface IngestConfig {

  /**
   * API keys accepted in the {@code X-API-Key} header of write requests. Each entry is either
   * {@code name:secret}, which records {@code name} as the caller, or a bare secret, which records
   * {@code api-key-N} (N counted from 1 in list order). Default {@code local-dev-key}.
   */
  @WithDefault("local-dev-key")
  List<String> apiKeys();

  /**
   * Base URL under which the trainer and the inference service reach this service; snapshot archive
   * and artifact URIs in messages start with it. Default {@code http://127.0.0.1:8081}.
   */
  @WithDefault("http://127.0.0.1:8081")
  String publicUrl();

  /** Time a RUNNING run may go without a trainer event before it is re-queued. Default 2 min. */
  @WithDefault("2m")
  Duration runLeaseTimeout();

  /** Attempts of one run, including the first, before it is marked FAILED. Default 3. */
  @WithDefault("3")
  int maxRunAttempts();

  /** How often expired run leases are looked for. Default 15 s. */
  @WithDefault("15s")
  Duration runLeaseCheckInterval();

  /** Where bytes are stored. */
  Storage storage();

  /** Limits of single-image uploads. */
  Upload upload();

  /** Bulk import of zip archives. */
  Imports imports();

  /** Automatic retraining. */
  AutoRetrain autoRetrain();

  /** The transactional outbox relay. */
  Outbox outbox();

  /** Topics that the outbox relay publishes to. */
  Topics topics();

  /** Readiness checks. */
  Health health();

  /** Blob store and scratch space. */
  interface Storage {

    /** Directory of the content-addressed blob store. Default {@code data/blobs}. */
    @WithDefault("data/blobs")
    Path blobDirectory();

    /**
     * Directory where uploaded archives wait until their import finishes. Default {@code
     * data/spool}.
     */
    @WithDefault("data/spool")
    Path spoolDirectory();
  }

  /** Limits that apply to every image, uploaded alone or inside an archive. */
  interface Upload {

    /** Largest accepted image file, in bytes. Default 20 MiB. */
    @WithDefault("20971520")
    long maxImageBytes();

    /**
     * Largest accepted width times height, checked from the image header before any decoding, so
     * that a small file that expands to a huge bitmap is rejected. Default 40,000,000 pixels.
     */
    @WithDefault("40000000")
    long maxImagePixels();
  }

  /** Limits and tuning of archive imports. */
  interface Imports {

    /** Largest accepted archive, in bytes as uploaded. Default 4 GiB. */
    @WithDefault("4294967296")
    long maxArchiveBytes();

    /** Largest sum of the uncompressed sizes of all entries, in bytes. Default 16 GiB. */
    @WithDefault("17179869184")
    long maxUncompressedBytes();

    /** Largest number of entries in one archive, directories included. Default 1,000,000. */
    @WithDefault("1000000")
    int maxEntries();

    /** Images stored per database transaction. Default 1000. */
    @WithDefault("1000")
    int chunkSize();

    /** Largest sum of image bytes held in memory for one chunk. Default 64 MiB. */
    @WithDefault("67108864")
    long maxChunkBytes();

    /**
     * Threads that validate, hash and store images in parallel; 0 means two per available
     * processor. Default 0.
     */
    @WithDefault("0")
    int workerThreads();

    /** Imports that run at the same time; further ones wait in line. Default 2. */
    @WithDefault("2")
    int concurrentImports();

    /** Rejected files listed by name in an import report; the count is always complete. */
    @WithDefault("10000")
    int maxReportedRejections();
  }

  /** When the service requests a training run by itself. */
  interface AutoRetrain {

    /** Whether automatic retraining is on. Default true. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Images uploaded or relabeled in a dataset since its last run that trigger a new run. Default
     * 1000.
     */
    @WithDefault("1000")
    int minNewImages();

    /** Shortest time between two runs of one dataset started by the service. Default 1 h. */
    @WithDefault("1h")
    Duration minInterval();

    /** How often datasets are checked. Default 30 s. */
    @WithDefault("30s")
    Duration checkInterval();

    /** Value of the run's {@code requestedBy}. Default {@code auto-retrain}. */
    @WithDefault("auto-retrain")
    String requestedBy();

    /** Settings of the runs this service requests; each key left out keeps the recipe's value. */
    AutoRetrainHyperparameters hyperparameters();
  }

  /**
   * Overrides of the reference recipe ({@link TrainingHyperparameters#recipeDefaults()}) for
   * automatic runs, under {@code saguaro.ingest.auto-retrain.hyperparameters.*}. No key has a
   * default: an unset key keeps the recipe's value.
   */
  interface AutoRetrainHyperparameters {

    /** MobileNetV2 width multiplier. */
    OptionalDouble alpha();

    /** Side of the square network input, in pixels. */
    OptionalInt imageSize();

    /** Images per training step. */
    OptionalInt batchSize();

    /** Share of the snapshot held out for validation, in (0, 1). */
    OptionalDouble validationFraction();

    /** Seed of the split and the shuffles. */
    OptionalLong seed();

    /** Size of the training shuffle buffer, in images. */
    OptionalInt shuffleBuffer();

    /** Epochs of phase 1 (backbone frozen unless it starts from random weights). */
    OptionalInt phase1Epochs();

    /** Adam learning rate of phase 1. */
    OptionalDouble phase1LearningRate();

    /** Fine-tuning epochs; 0 skips phase 2. */
    OptionalInt phase2Epochs();

    /** Adam learning rate of phase 2. */
    OptionalDouble phase2LearningRate();

    /** Index of the first trainable Keras layer of the backbone in phase 2. */
    OptionalInt fineTuneAt();

    /** Where the backbone's starting weights come from. */
    Optional<WeightInitialization> initialization();

    /** Whether phase 1 trains the whole network when it starts from random weights. */
    Optional<Boolean> trainWholeNetworkWhenRandom();

    /** Returns the overrides as a request would carry them, {@code null} for each unset key. */
    default TrainingHyperparameters toOverrides() {
      return new TrainingHyperparameters(
          alpha().isPresent() ? alpha().getAsDouble() : null,
          imageSize().isPresent() ? imageSize().getAsInt() : null,
          batchSize().isPresent() ? batchSize().getAsInt() : null,
          validationFraction().isPresent() ? validationFraction().getAsDouble() : null,
          seed().isPresent() ? seed().getAsLong() : null,
          shuffleBuffer().isPresent() ? shuffleBuffer().getAsInt() : null,
          phase1Epochs().isPresent() ? phase1Epochs().getAsInt() : null,
          phase1LearningRate().isPresent() ? phase1LearningRate().getAsDouble() : null,
          phase2Epochs().isPresent() ? phase2Epochs().getAsInt() : null,
          phase2LearningRate().isPresent() ? phase2LearningRate().getAsDouble() : null,
          fineTuneAt().isPresent() ? fineTuneAt().getAsInt() : null,
          initialization().orElse(null),
          trainWholeNetworkWhenRandom().orElse(null));
    }
  }

  /** Relay of outbox rows to Kafka. */
  interface Outbox {

    /** Pause between two looks at the outbox when it is empty. Default 500 ms. */
    @WithDefault("500ms")
    Duration pollInterval();

    /** Wait after the first failed publication; doubles up to the maximum. Default 1 s. */
    @WithDefault("1s")
    Duration retryInitialBackoff();

    /** Maximum wait between publication attempts while Kafka is unreachable. Default 30 s. */
    @WithDefault("30s")
    Duration retryMaxBackoff();

    /**
     * Time the Kafka producer may take to deliver one record, retries included, before the relay
     * backs off (the producer's {@code delivery.timeout.ms}). Default 15 s.
     */
    @WithDefault("15s")
    Duration deliveryTimeout();

    /** Rows read from the outbox per round. Default 100. */
    @WithDefault("100")
    int batchSize();
  }

  /** Topic names; the defaults are the shared contract's names. */
  interface Topics {

    /** Training requests. Default {@code saguaro.training-requests}. */
    @WithDefault(dev.saguaro.contracts.Topics.TRAINING_REQUESTS)
    String trainingRequests();

    /** Cancellations. Default {@code saguaro.training-control}. */
    @WithDefault(dev.saguaro.contracts.Topics.TRAINING_CONTROL)
    String trainingControl();

    /** Pin announcements. Default {@code saguaro.model-versions}. */
    @WithDefault(dev.saguaro.contracts.Topics.MODEL_VERSIONS)
    String modelVersions();
  }

  /** Readiness checks. */
  interface Health {

    /** Time a readiness probe waits for Kafka to describe its cluster. Default 3 s. */
    @WithDefault("3s")
    Duration kafkaTimeout();

    /** How long one Kafka probe result is reused by later readiness requests. Default 2 s. */
    @WithDefault("2s")
    Duration kafkaCacheTime();
  }
}
