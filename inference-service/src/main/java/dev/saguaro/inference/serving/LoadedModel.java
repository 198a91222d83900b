package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * One model version loaded into TensorFlow, with the two calls that serving needs: {@link
 * #preprocess(byte[])} for one encoded image and {@link #classify(List)} for a batch.
 *
 * <p>The feed and fetch endpoints of the {@code preprocess} and {@code classify} signatures are
 * resolved once at load time, so a call only feeds tensors and runs the session. Batched input
 * tensors are kept in a pool per batch size and reused, because TensorFlow copies nothing it does
 * not own and the session does not keep its inputs after a run.
 *
 * <p>Ownership and thread-safety: the instance owns its {@link SavedModelBundle} and pooled tensors
 * and closes them exactly once, after its lease count drops to zero. The lifecycle holds one lease
 * from construction and gives it back with {@link #retire()}; each request takes a lease with
 * {@link #tryAcquire()} and gives it back with {@link #release()}. Calls are thread-safe while the
 * caller holds a lease; TensorFlow sessions accept concurrent runs.
 */
public final class LoadedModel {

  private final ModelMetadata metadata;
  private final SavedModelBundle bundle;
  private final Session session;
  private final Output<?> preprocessInput;
  private final Output<?> preprocessOutput;
  private final Output<?> classifyInput;
  private final Output<?> classifyOutput;
  private final long rowBytes;
  private final int classCount;
  private final AtomicInteger leases = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final Map<Integer, Queue<TFloat32>> batchInputPool = new ConcurrentHashMap<>();
  private final Executor closeExecutor;
  private final Runnable onClosed;

  /**
   * Wraps a loaded bundle whose signatures were already checked.
   *
   * @param closeExecutor runs the close once the last lease is given back, so that freeing native
   *     memory never delays the request that happened to finish last
   * @param onClosed runs once, on {@code closeExecutor}, after the bundle is closed
   */
  LoadedModel(
      ModelMetadata metadata,
      SavedModelBundle bundle,
      SignatureEndpoints endpoints,
      Executor closeExecutor,
      Runnable onClosed) {
    this.metadata = metadata;
    this.bundle = bundle;
    this.session = bundle.session();
    this.preprocessInput = endpoints.preprocessInput();
    this.preprocessOutput = endpoints.preprocessOutput();
    this.classifyInput = endpoints.classifyInput();
    this.classifyOutput = endpoints.classifyOutput();
    this.rowBytes = (long) metadata.imageSize() * metadata.imageSize() * 3 * Float.BYTES;
    this.classCount = metadata.classNames().size();
    this.closeExecutor = closeExecutor;
    this.onClosed = onClosed;
  }

  /** The resolved graph endpoints of the {@code preprocess} and {@code classify} signatures. */
  record SignatureEndpoints(
      Output<?> preprocessInput,
      Output<?> preprocessOutput,
      Output<?> classifyInput,
      Output<?> classifyOutput) {}

  public String modelName() {
    return metadata.modelName();
  }

  public long version() {
    return metadata.version();
  }

  public ModelMetadata metadata() {
    return metadata;
  }

  public List<String> classNames() {
    return metadata.classNames();
  }

  /**
   * Takes a lease that keeps this version open until {@link #release()}.
   *
   * @return {@code false} when the version has already drained and closed; the caller then reads
   *     the serving version again
   */
  public boolean tryAcquire() {
    while (true) {
      int current = leases.get();
      if (current == 0) {
        return false;
      }
      if (leases.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back a lease taken with {@link #tryAcquire()}. */
  public void release() {
    int remaining = leases.decrementAndGet();
    if (remaining == 0) {
      closeExecutor.execute(this::close);
    } else if (remaining < 0) {
      throw new IllegalStateException(
          "Model " + modelName() + " version " + version() + " released more often than acquired");
    }
  }

  /** Gives back the lifecycle's lease: the version closes once the requests in flight are done. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** Requests that still hold a lease, not counting the lifecycle's own. */
  public int leasesInFlight() {
    int current = leases.get();
    return retired.get() ? current : Math.max(0, current - 1);
  }

  /**
   * Runs the {@code preprocess} signature on one encoded image.
   *
   * @return the image as {@code float32 [1, size, size, 3]}; the caller closes it
   * @throws org.tensorflow.exceptions.TFInvalidArgumentException when the bytes are not a JPEG or
   *     PNG image that TensorFlow can decode
   */
  public PreprocessedImage preprocess(byte[] imageBytes) {
    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(imageBytes))) {
      Result result = session.runner().feed(preprocessInput, input).fetch(preprocessOutput).run();
      return new PreprocessedImage(result);
    }
  }

  /**
   * Runs the {@code classify} signature on a batch of preprocessed images.
   *
   * @return one probability row per image, in the order of the input and of {@link #classNames()}
   */
  public float[][] classify(List<PreprocessedImage> images) {
    int batchSize = images.size();
    if (batchSize == 1) {
      return runClassify(images.get(0).tensor(), 1);
    }
    TFloat32 batch = borrowBatchInput(batchSize);
    try {
      for (int i = 0; i < batchSize; i++) {
        images
            .get(i)
            .tensor()
            .asRawTensor()
            .data()
            .copyTo(batch.asRawTensor().data().slice(i * rowBytes, rowBytes), rowBytes);
      }
      return runClassify(batch, batchSize);
    } finally {
      batchInputPool.computeIfAbsent(batchSize, size -> new ConcurrentLinkedQueue<>()).add(batch);
    }
  }

  /** Runs the {@code serving_default} signature, used by the warm-up to cross-check the others. */
  float[] classifyWithServingDefault(byte[] imageBytes) {
    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(imageBytes));
        Result result =
            bundle
                .function(ModelSignatures.SERVING_DEFAULT)
                .call(Map.of(ModelSignatures.INPUT_IMAGE_BYTES, input))) {
      TFloat32 probabilities =
          (TFloat32) result.get(ModelSignatures.OUTPUT_PROBABILITIES).orElseThrow();
      float[] row = new float[classCount];
      probabilities.asRawTensor().data().asFloats().read(row);
      return row;
    }
  }

  private float[][] runClassify(TFloat32 input, int batchSize) {
    try (Result result = session.runner().feed(classifyInput, input).fetch(classifyOutput).run()) {
      TFloat32 probabilities = (TFloat32) result.get(0);
      Shape shape = probabilities.shape();
      if (shape.numDimensions() != 2 || shape.get(0) != batchSize || shape.get(1) != classCount) {
        throw new IllegalStateException(
            "classify returned shape "
                + shape
                + ", expected ["
                + batchSize
                + ", "
                + classCount
                + "]");
      }
      float[] flat = new float[batchSize * classCount];
      probabilities.asRawTensor().data().asFloats().read(flat);
      float[][] rows = new float[batchSize][];
      for (int i = 0; i < batchSize; i++) {
        rows[i] = java.util.Arrays.copyOfRange(flat, i * classCount, (i + 1) * classCount);
      }
      return rows;
    }
  }

  private TFloat32 borrowBatchInput(int batchSize) {
    Queue<TFloat32> pool = batchInputPool.get(batchSize);
    TFloat32 pooled = pool == null ? null : pool.poll();
    if (pooled != null) {
      return pooled;
    }
    int size = metadata.imageSize();
    return TFloat32.tensorOf(Shape.of(batchSize, size, size, 3));
  }

  private void close() {
    try {
      batchInputPool.values().forEach(pool -> pool.forEach(TFloat32::close));
      batchInputPool.clear();
      bundle.close();
    } finally {
      onClosed.run();
    }
  }
}
