package dev.saguaro.trainer.data;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The in-graph preprocessing shared by training and the exported model, so that serving cannot
 * drift from training: decode a JPEG or PNG to RGB, resize bilinearly with half-pixel centers to
 * the square input size, and scale to [-1, 1] with {@code x / 127.5 - 1}.
 */
public final class ImagePreprocessing {

  private ImagePreprocessing() {}

  /**
   * Adds the preprocessing of one encoded image (a scalar string) and returns {@code float32 [1,
   * size, size, 3]}. The decode op fails at run time with an invalid-argument error when the bytes
   * are not an image.
   */
  public static Operand<TFloat32> addPreprocessing(
      Ops tf, Operand<TString> encodedImage, int imageSize) {
    Operand<?> decoded =
        tf.image.decodeImage(
            encodedImage,
            new DecodeImage.Options[] {
              DecodeImage.channels(3L), DecodeImage.expandAnimations(false)
            });
    Operand<TFloat32> batch =
        tf.expandDims(tf.dtypes.cast(decoded, TFloat32.class), tf.constant(0));
    Operand<TFloat32> resized =
        tf.image.resizeBilinear(
            batch,
            tf.constant(new int[] {imageSize, imageSize}),
            ResizeBilinear.halfPixelCenters(true));
    return tf.withName("scaled_images")
        .math
        .sub(tf.math.div(resized, tf.constant(127.5f)), tf.constant(1f));
  }
}
