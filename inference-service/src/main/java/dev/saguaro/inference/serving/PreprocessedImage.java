package dev.saguaro.inference.serving;

import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/**
 * The output of the {@code preprocess} signature for one image: {@code float32 [1, size, size, 3]}.
 * Owns the TensorFlow result that holds the tensor; whoever holds the instance closes it.
 */
public final class PreprocessedImage implements AutoCloseable {

  private final Result result;
  private final TFloat32 tensor;

  PreprocessedImage(Result result) {
    this.result = result;
    this.tensor = (TFloat32) result.get(0);
  }

  TFloat32 tensor() {
    return tensor;
  }

  @Override
  public void close() {
    result.close();
  }
}
