package dev.saguaro.trainer.model;

import java.util.List;

/**
 * One Keras layer of the network.
 *
 * @param index position in Keras's {@code model.layers}, the input layer being 0
 * @param name Keras layer name
 * @param kind what the layer computes
 * @param inputs indices of the layers whose outputs this layer reads
 * @param outputShape output shape without the batch dimension: {@code [height, width, channels]}
 *     for feature maps, {@code [units]} after pooling
 * @param stride convolution stride (1 for other layers)
 * @param padding zero padding {@code [top, bottom, left, right]} of a padding layer, else empty
 * @param variables the layer's weights in Keras order
 */
public record Layer(
    int index,
    String name,
    LayerKind kind,
    List<Integer> inputs,
    long[] outputShape,
    int stride,
    int[] padding,
    List<VariableSpec> variables) {

  /** Returns the number of floats in one example's output. */
  public int outputSize() {
    long size = 1;
    for (long dimension : outputShape) {
      size *= dimension;
    }
    return Math.toIntExact(size);
  }
}
