package dev.saguaro.trainer.model.keras;

import java.util.List;

/**
 * One layer of the Keras MobileNetV2 backbone, as {@code base_model.layers} lists it.
 *
 * @param index position in the Keras layer list, where the input layer is 0
 * @param name layer name in current Keras
 * @param legacyNames other names that published weight files use for this layer (the 2018 names
 *     such as {@code mobl1_conv_1_expand}); empty when the name never changed
 * @param type what the layer computes
 * @param weights the layer's weights in Keras order, empty for layers without weights
 */
public record KerasLayer(
    int index, String name, List<String> legacyNames, Type type, List<KerasWeight> weights) {

  /** Layer kinds that occur in MobileNetV2 without top. */
  public enum Type {
    INPUT,
    CONV_2D,
    DEPTHWISE_CONV_2D,
    BATCH_NORMALIZATION,
    RELU6,
    ZERO_PADDING_2D,
    ADD
  }

  public KerasLayer {
    legacyNames = List.copyOf(legacyNames);
    weights = List.copyOf(weights);
  }

  /** Returns whether {@code candidate} is the current or a legacy name of this layer. */
  public boolean isKnownAs(String candidate) {
    return name.equals(candidate) || legacyNames.contains(candidate);
  }

  /** Returns the variable name of one of this layer's weights, e.g. {@code Conv1.kernel}. */
  public String variableName(KerasWeight weight) {
    return name + "." + weight.name();
  }
}
