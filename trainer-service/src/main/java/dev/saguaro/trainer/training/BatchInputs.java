package dev.saguaro.trainer.training;

import dev.saguaro.trainer.data.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Feeds a batch of examples into a {@link PhaseGraph}: either the decoded images, so that every
 * step recomputes the frozen layers, or the cached boundary activations, so that it does not.
 * Examples are indices into the run's example list (training images, then validation images).
 */
abstract class BatchInputs implements AutoCloseable {

  final PhaseGraph graph;
  final List<LabeledImage> examples;

  BatchInputs(PhaseGraph graph, List<LabeledImage> examples) {
    this.graph = graph;
    this.examples = examples;
  }

  /**
   * Adds the feeds of the batch to {@code runner}; the tensors it creates go into {@code owned},
   * which the caller closes after the run.
   */
  abstract void feed(Session.Runner runner, int[] batch, List<Tensor> owned)
      throws InvalidTrainingDataException;

  @Override
  public void close() {}

  /** Returns the preprocessed pixels {@code [size, size, 3]} of one example, flattened. */
  float[] decode(int example) throws InvalidTrainingDataException {
    LabeledImage image = examples.get(example);
    int size = graph.architecture.imageSize();
    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(image.encodedImage()));
        Result result =
            graph
                .session
                .runner()
                .feed(graph.imageBytes, input)
                .fetch(graph.preprocessedImage)
                .run()) {
      float[] pixels = new float[size * size * 3];
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(pixels, false, false));
      return pixels;
    } catch (TFInvalidArgumentException | TensorFlowException e) {
      // The decode op reports bytes that are no image, or a truncated file, as invalid argument.
      throw new InvalidTrainingDataException(
          "Image "
              + image.imageId()
              + " cannot be decoded as JPEG or PNG ("
              + e.getMessage()
              + "): replace or remove it from the dataset",
          e);
    }
  }

  /** Returns the decoded images of a batch as {@code [batch * size * size * 3]}. */
  float[] decodeBatch(int[] batch) throws InvalidTrainingDataException {
    int size = graph.architecture.imageSize();
    int pixels = size * size * 3;
    float[] images = new float[batch.length * pixels];
    for (int row = 0; row < batch.length; row++) {
      System.arraycopy(decode(batch[row]), 0, images, row * pixels, pixels);
    }
    return images;
  }

  static TFloat32 batchTensor(float[] values, int batchSize, long[] exampleShape) {
    long[] shape = new long[exampleShape.length + 1];
    shape[0] = batchSize;
    System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
  }

  /** Decodes the images of every batch and feeds them, so the frozen layers run every step. */
  static final class Decoded extends BatchInputs {

    Decoded(PhaseGraph graph, List<LabeledImage> examples) {
      super(graph, examples);
    }

    @Override
    void feed(Session.Runner runner, int[] batch, List<Tensor> owned)
        throws InvalidTrainingDataException {
      int size = graph.architecture.imageSize();
      TFloat32 images = batchTensor(decodeBatch(batch), batch.length, new long[] {size, size, 3});
      owned.add(images);
      runner.feed(graph.images, images);
    }
  }

  /** Feeds cached boundary activations, computed once when the phase starts. */
  static final class Cached extends BatchInputs {

    private final ActivationCache cache;

    Cached(PhaseGraph graph, List<LabeledImage> examples, ActivationCache cache) {
      super(graph, examples);
      this.cache = cache;
    }

    @Override
    void feed(Session.Runner runner, int[] batch, List<Tensor> owned) {
      float[][] values = cache.readBatch(batch);
      List<long[]> shapes = graph.boundaryShapes();
      for (int t = 0; t < values.length; t++) {
        TFloat32 tensor = batchTensor(values[t], batch.length, shapes.get(t));
        owned.add(tensor);
        runner.feed(graph.boundaryOutputs.get(t), tensor);
      }
    }

    @Override
    public void close() {
      cache.close();
    }
  }

  /**
   * Computes the boundary activations of every example in batches and stores them in {@code cache},
   * checking for cancellation before each batch.
   */
  /**
   * Runs the frozen layers on one batch of decoded images and stores each example's boundary
   * activations. A boundary at the input layer is the images themselves, which TensorFlow cannot
   * fetch while they are fed, so those are stored as decoded.
   */
  private static void storeActivations(
      PhaseGraph graph, ActivationCache cache, int[] batch, float[] pixels) {
    int size = graph.architecture.imageSize();
    List<Integer> sizes = graph.boundarySizes();
    float[][] values = new float[sizes.size()][];
    try (TFloat32 images = batchTensor(pixels, batch.length, new long[] {size, size, 3})) {
      Session.Runner runner = graph.session.runner().feed(graph.images, images);
      List<Integer> fetched = new ArrayList<>();
      for (int t = 0; t < sizes.size(); t++) {
        if (graph.boundaryLayers.get(t) == 0) {
          values[t] = pixels;
        } else {
          runner.fetch(graph.boundaryOutputs.get(t));
          fetched.add(t);
        }
      }
      if (!fetched.isEmpty()) {
        try (Result result = runner.run()) {
          for (int i = 0; i < fetched.size(); i++) {
            int t = fetched.get(i);
            values[t] = new float[batch.length * sizes.get(t)];
            ((TFloat32) result.get(i)).copyTo(DataBuffers.of(values[t], false, false));
          }
        }
      }
    }
    for (int row = 0; row < batch.length; row++) {
      cache.put(batch[row], values, row);
    }
  }

  static Cached fill(
      PhaseGraph graph,
      List<LabeledImage> examples,
      ActivationCache cache,
      int batchSize,
      CancellationCheck cancellation)
      throws InvalidTrainingDataException, TrainingCancelledException {
    Cached inputs = new Cached(graph, examples, cache);
    Decoded decoder = new Decoded(graph, examples);
    try {
      for (int start = 0; start < examples.size(); start += batchSize) {
        if (cancellation.isCancellationRequested()) {
          throw new TrainingCancelledException(
              "Training cancelled while caching activations, at image " + start);
        }
        int[] batch = new int[Math.min(batchSize, examples.size() - start)];
        for (int i = 0; i < batch.length; i++) {
          batch[i] = start + i;
        }
        storeActivations(graph, cache, batch, decoder.decodeBatch(batch));
      }
      return inputs;
    } catch (InvalidTrainingDataException | TrainingCancelledException | RuntimeException e) {
      inputs.close();
      throw e;
    }
  }
}
