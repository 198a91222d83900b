package dev.saguaro.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings of the trainer service, under {@code saguaro.trainer}. */
@ConfigMapping(prefix = "saguaro.trainer")
public interface TrainerConfig {

  /**
   * Id of this trainer instance in claims and training events. No default value: when unset, the
   * trainer uses {@code <host name>-<process id>}.
   */
  Optional<String> trainerId();

  /** Base URL of the ingest service, which hands out claims, snapshots and model versions. */
  @WithDefault("http://127.0.0.1:8081")
  URI ingestBaseUrl();

  /** API key sent in {@code X-API-Key} on the trainer's write calls to the ingest service. */
  @WithDefault("local-dev-key")
  String ingestApiKey();

  /** Settings of the HTTP calls to the ingest service. */
  IngestCalls ingest();

  /**
   * Time between two HEARTBEAT events of a running attempt; keep it well below the ingest service's
   * run lease timeout (2 minutes by default).
   */
  @WithDefault("15s")
  Duration heartbeatInterval();

  /**
   * Training runs this instance executes at the same time. Each run keeps a whole model in memory.
   */
  @WithDefault("1")
  int maxConcurrentRuns();

  /** TensorFlow intra-op threads; 0 lets TensorFlow choose (one per core). */
  @WithDefault("0")
  int intraOpThreads();

  /** TensorFlow inter-op threads; 0 lets TensorFlow choose. */
  @WithDefault("0")
  int interOpThreads();

  /** Cache of frozen-layer activations. */
  ActivationCache activationCache();

  /**
   * Directory of Keras MobileNetV2 ImageNet weight files, named as Keras names them (for example
   * {@code mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_96_no_top.h5}). The trainer never
   * downloads weights: a file that is not here is not used.
   */
  @WithDefault("${user.home}/.saguaro/imagenet-weights")
  Path imagenetWeightsDirectory();

  /** Directory for per-run temporary files (served models, exports, artifact zips). */
  @WithDefault("${java.io.tmpdir}/saguaro-trainer")
  Path workDirectory();

  /** Time to wait for Kafka to acknowledge an announcement or a final training event. */
  @WithDefault("30s")
  Duration publishTimeout();

  /** Settings of the cache of frozen-layer activations. */
  interface ActivationCache {

    /** Whether frozen layers run once per image per run; false recomputes them every epoch. */
    @WithDefault("true")
    boolean enabled();

    /** Memory budget of the cache, in bytes, before it spills to disk; 4 GiB by default. */
    @WithDefault("4294967296")
    long memoryBytes();

    /** Directory for spilled activations; by default {@code spill} under the work directory. */
    Optional<Path> spillDirectory();
  }

  /** Timeouts and retries of calls to the ingest service. */
  interface IngestCalls {

    /** Time to establish a connection. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Time to wait for response headers of one call (uploads and downloads may stream longer). */
    @WithDefault("5m")
    Duration requestTimeout();

    /** Attempts per call, counting the first, before the run fails as "ingest unreachable". */
    @WithDefault("5")
    int maxAttempts();

    /** Wait before the first retry; it doubles on each further retry. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** Upper bound of the wait between two retries. */
    @WithDefault("30s")
    Duration maxRetryBackoff();
  }
}
