package dev.saguaro.trainer.model.keras;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Plain-Java forward pass of Keras's MobileNetV2 backbone in inference mode, in double precision,
 * followed by global max pooling. It serves as a reference outside TensorFlow for the imported
 * network, so it shares no code with the graph builder and reads channel counts from the weights.
 *
 * <p>It follows current Keras layer by layer: {@code Conv1} is a 3x3 stride-2 convolution with
 * "same" padding, each stride-2 depthwise convolution follows a {@code correct_pad} zero padding
 * and uses "valid" padding, the other convolutions use "same" padding, batch normalization uses the
 * moving statistics with epsilon 1e-3, activations are ReLU6, and a block adds its input when its
 * stride is 1 and its input and output channels agree. Tensors are {@code
 * [height][width][channels]}.
 */
final class MobileNetV2Reference {

  private static final double EPSILON = 1e-3;

  /**
   * Added to each calibrated variance. It keeps every batch normalization's gain {@code gamma /
   * sqrt(variance + margin)} below gamma, so that float32 rounding in TensorFlow, amplified over 52
   * convolutions, stays well below the import test's tolerance (about 3e-5 against 2e-4 without
   * it).
   */
  private static final double CALIBRATION_VARIANCE_MARGIN = 1.0;

  /** Stride of each inverted residual block, block 0 first. */
  private static final int[] BLOCK_STRIDES = {1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1};

  private final Map<String, NamedArray> weights;
  private final boolean calibrating;

  /** Creates a reference over weights keyed by {@code <layerName>.<weightName>}. */
  MobileNetV2Reference(Map<String, NamedArray> weights) {
    this(weights, false);
  }

  private MobileNetV2Reference(Map<String, NamedArray> weights, boolean calibrating) {
    this.weights = weights;
    this.calibrating = calibrating;
  }

  /**
   * Returns a copy of {@code weights} whose batch-normalization moving mean is the mean of each
   * layer's input over {@code images}, as training leaves it, and whose moving variance is that
   * input's variance plus a margin. Centred this way the activations neither die nor grow until
   * ReLU6 clips most features to 6, so the features depend on the image and on every weight.
   */
  static Map<String, NamedArray> calibrateBatchNormalization(
      Map<String, NamedArray> weights, List<double[][][]> images) {
    Map<String, NamedArray> calibrated = new LinkedHashMap<>(weights);
    new MobileNetV2Reference(calibrated, true).computeFeatures(images);
    return calibrated;
  }

  /**
   * Returns the pooled features {@code [image][channel]} of images {@code [height][width][3]} with
   * values in [-1, 1].
   */
  double[][] computeFeatures(List<double[][][]> images) {
    List<double[][][]> x = map(images, image -> convolve(image, "Conv1", 2, Padding.SAME));
    x = map(batchNormalize(x, "bn_Conv1"), MobileNetV2Reference::relu6);

    for (int block = 0; block < BLOCK_STRIDES.length; block++) {
      x = applyInvertedResidualBlock(x, block, BLOCK_STRIDES[block]);
    }

    x = map(x, image -> convolve(image, "Conv_1", 1, Padding.SAME));
    x = map(batchNormalize(x, "Conv_1_bn"), MobileNetV2Reference::relu6);
    return x.stream().map(MobileNetV2Reference::globalMaxPool).toArray(double[][]::new);
  }

  private List<double[][][]> applyInvertedResidualBlock(
      List<double[][][]> input, int block, int stride) {
    String prefix = block == 0 ? "expanded_conv_" : "block_" + block + "_";
    List<double[][][]> x = input;
    if (block > 0) {
      x = map(x, image -> convolve(image, prefix + "expand", 1, Padding.SAME));
      x = map(batchNormalize(x, prefix + "expand_BN"), MobileNetV2Reference::relu6);
    }

    if (stride == 2) {
      x =
          map(
              x,
              image ->
                  depthwiseConvolve(correctPad(image), prefix + "depthwise", 2, Padding.VALID));
    } else {
      x = map(x, image -> depthwiseConvolve(image, prefix + "depthwise", 1, Padding.SAME));
    }
    x = map(batchNormalize(x, prefix + "depthwise_BN"), MobileNetV2Reference::relu6);

    x = map(x, image -> convolve(image, prefix + "project", 1, Padding.SAME));
    x = batchNormalize(x, prefix + "project_BN");
    if (stride == 1 && channels(input.get(0)) == channels(x.get(0))) {
      List<double[][][]> projected = x;
      x = new ArrayList<>();
      for (int n = 0; n < input.size(); n++) {
        x.add(add(input.get(n), projected.get(n)));
      }
    }
    return x;
  }

  private static List<double[][][]> map(
      List<double[][][]> batch, UnaryOperator<double[][][]> operation) {
    return batch.stream().map(operation).toList();
  }

  enum Padding {
    SAME,
    VALID
  }

  /** Convolves with the Conv2D kernel {@code [kh, kw, in, out]} of {@code layer}, without bias. */
  private double[][][] convolve(double[][][] x, String layer, int stride, Padding padding) {
    NamedArray kernel = weight(layer, "kernel");
    int kernelSize = (int) kernel.shape()[0];
    int inputChannels = (int) kernel.shape()[2];
    int filters = (int) kernel.shape()[3];
    checkChannels(x, inputChannels, layer);
    double[][][] padded = padForConvolution(x, kernelSize, stride, padding);
    int outHeight = (padded.length - kernelSize) / stride + 1;
    int outWidth = (padded[0].length - kernelSize) / stride + 1;
    float[] k = kernel.values();

    double[][][] output = new double[outHeight][outWidth][filters];
    for (int row = 0; row < outHeight; row++) {
      for (int column = 0; column < outWidth; column++) {
        double[] sums = output[row][column];
        for (int i = 0; i < kernelSize; i++) {
          for (int j = 0; j < kernelSize; j++) {
            double[] pixel = padded[row * stride + i][column * stride + j];
            for (int c = 0; c < inputChannels; c++) {
              int base = ((i * kernelSize + j) * inputChannels + c) * filters;
              for (int f = 0; f < filters; f++) {
                sums[f] += pixel[c] * k[base + f];
              }
            }
          }
        }
      }
    }
    return output;
  }

  /** Convolves each channel with the depthwise kernel {@code [kh, kw, channels, 1]}. */
  private double[][][] depthwiseConvolve(
      double[][][] x, String layer, int stride, Padding padding) {
    NamedArray kernel = weight(layer, "depthwise_kernel");
    int kernelSize = (int) kernel.shape()[0];
    int channels = (int) kernel.shape()[2];
    checkChannels(x, channels, layer);
    double[][][] padded = padForConvolution(x, kernelSize, stride, padding);
    int outHeight = (padded.length - kernelSize) / stride + 1;
    int outWidth = (padded[0].length - kernelSize) / stride + 1;
    float[] k = kernel.values();

    double[][][] output = new double[outHeight][outWidth][channels];
    for (int row = 0; row < outHeight; row++) {
      for (int column = 0; column < outWidth; column++) {
        for (int i = 0; i < kernelSize; i++) {
          for (int j = 0; j < kernelSize; j++) {
            double[] pixel = padded[row * stride + i][column * stride + j];
            for (int c = 0; c < channels; c++) {
              output[row][column][c] += pixel[c] * k[(i * kernelSize + j) * channels + c];
            }
          }
        }
      }
    }
    return output;
  }

  /**
   * Pads as TensorFlow's "same" padding does (output side {@code ceil(side / stride)}, the odd
   * pixel of padding after), or not at all for "valid".
   */
  private static double[][][] padForConvolution(
      double[][][] x, int kernelSize, int stride, Padding padding) {
    if (padding == Padding.VALID) {
      return x;
    }
    int heightPadding = samePadding(x.length, kernelSize, stride);
    int widthPadding = samePadding(x[0].length, kernelSize, stride);
    return zeroPad(
        x,
        heightPadding / 2,
        heightPadding - heightPadding / 2,
        widthPadding / 2,
        widthPadding - widthPadding / 2);
  }

  private static int samePadding(int side, int kernelSize, int stride) {
    int outSide = (side + stride - 1) / stride;
    return Math.max((outSide - 1) * stride + kernelSize - side, 0);
  }

  /**
   * Pads for a 3x3 stride-2 convolution as Keras's {@code correct_pad} does: one pixel after each
   * side, and one before it only when the side is odd.
   */
  private static double[][][] correctPad(double[][][] x) {
    return zeroPad(x, x.length % 2, 1, x[0].length % 2, 1);
  }

  private static double[][][] zeroPad(double[][][] x, int top, int bottom, int left, int right) {
    int channels = channels(x);
    double[][][] padded = new double[x.length + top + bottom][x[0].length + left + right][channels];
    for (int row = 0; row < x.length; row++) {
      for (int column = 0; column < x[0].length; column++) {
        System.arraycopy(x[row][column], 0, padded[row + top][column + left], 0, channels);
      }
    }
    return padded;
  }

  /**
   * Applies {@code gamma * (x - moving_mean) / sqrt(moving_variance + 1e-3) + beta} to each image,
   * after storing the batch's statistics as the moving ones when calibrating.
   */
  private List<double[][][]> batchNormalize(List<double[][][]> batch, String layer) {
    if (calibrating) {
      storeBatchStatistics(batch, layer);
    }
    float[] gamma = weight(layer, "gamma").values();
    float[] beta = weight(layer, "beta").values();
    float[] mean = weight(layer, "moving_mean").values();
    float[] variance = weight(layer, "moving_variance").values();
    List<double[][][]> output = new ArrayList<>();
    for (double[][][] x : batch) {
      checkChannels(x, gamma.length, layer);
      double[][][] normalized = new double[x.length][x[0].length][gamma.length];
      for (int row = 0; row < x.length; row++) {
        for (int column = 0; column < x[0].length; column++) {
          for (int c = 0; c < gamma.length; c++) {
            double scaled = (x[row][column][c] - mean[c]) / Math.sqrt(variance[c] + EPSILON);
            normalized[row][column][c] = gamma[c] * scaled + beta[c];
          }
        }
      }
      output.add(normalized);
    }
    return output;
  }

  private void storeBatchStatistics(List<double[][][]> batch, String layer) {
    int channels = channels(batch.get(0));
    double[] sums = new double[channels];
    double[] squares = new double[channels];
    long count = 0;
    for (double[][][] x : batch) {
      for (double[][] row : x) {
        for (double[] pixel : row) {
          for (int c = 0; c < channels; c++) {
            sums[c] += pixel[c];
            squares[c] += pixel[c] * pixel[c];
          }
          count++;
        }
      }
    }
    float[] mean = new float[channels];
    float[] variance = new float[channels];
    for (int c = 0; c < channels; c++) {
      double channelMean = sums[c] / count;
      mean[c] = (float) channelMean;
      double batchVariance = Math.max(squares[c] / count - channelMean * channelMean, 0);
      variance[c] = (float) (batchVariance + CALIBRATION_VARIANCE_MARGIN);
    }
    long[] shape = {channels};
    weights.put(layer + ".moving_mean", new NamedArray(layer + ".moving_mean", shape, mean));
    weights.put(
        layer + ".moving_variance", new NamedArray(layer + ".moving_variance", shape, variance));
  }

  private static double[][][] relu6(double[][][] x) {
    double[][][] output = new double[x.length][x[0].length][];
    for (int row = 0; row < x.length; row++) {
      for (int column = 0; column < x[0].length; column++) {
        double[] pixel = x[row][column];
        output[row][column] = new double[pixel.length];
        for (int c = 0; c < pixel.length; c++) {
          output[row][column][c] = Math.min(Math.max(pixel[c], 0), 6);
        }
      }
    }
    return output;
  }

  private static double[][][] add(double[][][] a, double[][][] b) {
    double[][][] output = new double[a.length][a[0].length][channels(a)];
    for (int row = 0; row < a.length; row++) {
      for (int column = 0; column < a[0].length; column++) {
        for (int c = 0; c < channels(a); c++) {
          output[row][column][c] = a[row][column][c] + b[row][column][c];
        }
      }
    }
    return output;
  }

  private static double[] globalMaxPool(double[][][] x) {
    double[] pooled = new double[channels(x)];
    Arrays.fill(pooled, Double.NEGATIVE_INFINITY);
    for (double[][] row : x) {
      for (double[] pixel : row) {
        for (int c = 0; c < pixel.length; c++) {
          pooled[c] = Math.max(pooled[c], pixel[c]);
        }
      }
    }
    return pooled;
  }

  private NamedArray weight(String layer, String weightName) {
    NamedArray array = weights.get(layer + "." + weightName);
    if (array == null) {
      throw new IllegalArgumentException("No weight " + layer + "." + weightName);
    }
    return array;
  }

  private static int channels(double[][][] x) {
    return x[0][0].length;
  }

  private static void checkChannels(double[][][] x, int expected, String layer) {
    if (channels(x) != expected) {
      throw new IllegalArgumentException(
          layer + " expects " + expected + " input channels, got " + channels(x));
    }
  }
}
