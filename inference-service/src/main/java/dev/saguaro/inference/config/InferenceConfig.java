package dev.saguaro.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the inference service, under {@code saguaro.inference}. */
@ConfigMapping(prefix = "saguaro.inference")
public interface InferenceConfig {

  /** Model served by {@code POST /api/v1/predictions} and required by readiness. */
  @WithDefault("default")
  String defaultModel();

  /** Seconds that a 503 response asks clients to wait, in its {@code Retry-After} header. */
  @WithDefault("5")
  int retryAfterSeconds();

  /** Limits on prediction requests. */
  Limits limits();

  /** Dynamic micro-batching of {@code classify} calls. */
  Batching batching();

  /** TensorFlow session options. */
  Tensorflow tensorflow();

  /** Fetching, checking and loading model versions. */
  Loading loading();

  /** Limits on prediction requests. */
  interface Limits {

    /** Largest accepted encoded image, in bytes; larger images are rejected with 413. */
    @WithDefault("8388608")
    long maxImageBytes();

    /** Largest accepted request body, in bytes; larger bodies are rejected with 413. */
    @WithDefault("33554432")
    long maxRequestBytes();

    /** Maximum number of images in one request; more are rejected with 413. */
    @WithDefault("32")
    int maxImagesPerRequest();
  }

  /** Dynamic micro-batching of {@code classify} calls. */
  interface Batching {

    /**
     * Whether concurrent images are grouped into one {@code classify} call. When off, every image
     * runs its own call on the request thread.
     */
    @WithDefault("true")
    boolean enabled();

    /** Maximum number of images in one {@code classify} call. */
    @WithDefault("32")
    int maxBatchSize();

    /**
     * The only sizes a {@code classify} call may have, ascending, from 1 to {@link
     * #maxBatchSize()}. By default these are the powers of two below the maximum, then the maximum.
     * A due batch takes the largest allowed size that its queued images fill, and warm-up visits
     * exactly these sizes.
     */
    Optional<List<Integer>> allowedBatchSizes();

    /**
     * Maximum time, in microseconds, that the oldest queued image waits for more images before its
     * batch runs anyway. A batch also runs at once when it is full or, with {@link
     * #closeWhenIdle()}, when no other image is being preprocessed.
     */
    @WithDefault("2000")
    long maxBatchDelayMicros();

    /**
     * Whether a batch runs before the delay has passed when no further image is on its way, that
     * is, when no request is preprocessing an image. A lone request then runs without waiting.
     */
    @WithDefault("true")
    boolean closeWhenIdle();

    /**
     * Threads that run batches, each running one {@code classify} call at a time; 0 means one per
     * available core. With one intra-op thread per call, these threads are what spreads the work
     * over the cores.
     */
    @WithDefault("0")
    int threads();
  }

  /** TensorFlow session options, applied to every loaded version. */
  interface Tensorflow {

    /**
     * Threads one op may use; 0 lets TensorFlow choose (one per core). The default of 1 runs each
     * call's ops on one thread, which serves a lone image faster than several threads that must
     * synchronise on every small op, while concurrent calls on the batch threads keep the cores
     * busy under load.
     */
    @WithDefault("1")
    int intraOpThreads();

    /**
     * Ops that may run in parallel; 0 lets TensorFlow choose, and a negative value runs every op in
     * the calling thread. The default of -1 saves a thread hand-off per op, and it keeps the
     * TensorFlow work of a load on the loading thread, whose lower priority ({@code
     * loading.niceness}) then applies to it.
     */
    @WithDefault("-1")
    int interOpThreads();
  }

  /** Fetching, checking and loading model versions. */
  interface Loading {

    /** Directory for downloaded artifacts and unpacked SavedModels. */
    @WithDefault("${java.io.tmpdir}/saguaro-inference")
    Path workDirectory();

    /** Largest accepted artifact zip, in bytes. */
    @WithDefault("2147483648")
    long maxArtifactBytes();

    /** Largest total size of the unpacked files of one artifact, in bytes. */
    @WithDefault("4294967296")
    long maxUnpackedBytes();

    /** Time allowed to connect to the artifact's host. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Time allowed for the whole download of one artifact. */
    @WithDefault("5m")
    Duration downloadTimeout();

    /** Download attempts for one version before it is marked failed. */
    @WithDefault("3")
    int downloadAttempts();

    /** Wait before the second download attempt; doubles after each further failure. */
    @WithDefault("1s")
    Duration downloadRetryBackoff();

    /** Warm-up passes (each preprocesses the test images and classifies batches) per version. */
    @WithDefault("3")
    int warmupRuns();

    /**
     * Pause after each warm-up call, as a multiple of the call's own time, so that a version
     * warming up beside traffic leaves the cores to the serving version part of the time. 0 warms
     * up as fast as possible.
     */
    @WithDefault("1.0")
    double warmupPauseRatio();

    /**
     * Nice value (1 to 19, 0 for none) of the thread that loads versions, so that a load competes
     * for the cores at a lower priority than the requests served meanwhile. It covers TensorFlow's
     * work only when ops run in the caller's thread ({@code tensorflow.inter-op-threads=-1}).
     */
    @WithDefault("10")
    int niceness();

    /** Interval at which a version that is still draining requests is reported in the log. */
    @WithDefault("30s")
    Duration drainWarningInterval();

    /**
     * Maximum wait at start for the announcement topic to be read to its end before the newest
     * version known so far is loaded.
     */
    @WithDefault("30s")
    Duration catchUpTimeout();

    /** Finished versions (unloaded or failed) kept per model in the status listing. */
    @WithDefault("20")
    int retainedVersions();
  }
}
