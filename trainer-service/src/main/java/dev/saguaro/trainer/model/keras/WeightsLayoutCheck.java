package dev.saguaro.trainer.model.keras;

import dev.saguaro.trainer.model.keras.KerasHdf5Layers.StoredLayer;
import dev.saguaro.trainer.model.keras.KerasHdf5Layers.StoredWeight;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks, by order and shape, that the weighted layers of a Keras weights file are exactly those of
 * MobileNetV2 without top at one alpha. At the first difference it names the most likely cause: a
 * file for another alpha, a missing layer, a classifier top, or a weight of the wrong shape.
 */
final class WeightsLayoutCheck {

  /** Width multipliers for which Keras publishes ImageNet weights. */
  static final List<Double> PUBLISHED_ALPHAS = List.of(0.35, 0.5, 0.75, 1.0, 1.3, 1.4);

  /** Keras weight names that identify a weight's role, so a role mismatch is an error. */
  private static final Set<String> KNOWN_WEIGHT_NAMES =
      Set.of("kernel", "depthwise_kernel", "gamma", "beta", "moving_mean", "moving_variance");

  private final Path file;
  private final MobileNetV2Layers network;
  private final List<String> layerNames;
  private final List<StoredLayer> stored;
  private final List<KerasLayer> expected;

  WeightsLayoutCheck(
      Path file, MobileNetV2Layers network, List<String> layerNames, List<StoredLayer> stored) {
    this.file = file;
    this.network = network;
    this.layerNames = layerNames;
    this.stored = stored;
    this.expected = network.weightedLayers();
  }

  /** Throws {@link KerasWeightsException} at the first difference from the expected layout. */
  void checkLayout() {
    int common = Math.min(expected.size(), stored.size());
    for (int i = 0; i < common; i++) {
      checkLayer(expected.get(i), stored.get(i));
    }
    if (stored.size() < expected.size()) {
      throw missingLayer(expected.get(stored.size()), null);
    }
    if (stored.size() > expected.size()) {
      throw extraLayers(stored.get(expected.size()));
    }
  }

  private void checkLayer(KerasLayer layer, StoredLayer storedLayer) {
    if (storedLayer.weights().size() != layer.weights().size()) {
      throw mismatch(layer, storedLayer, null);
    }
    for (int w = 0; w < layer.weights().size(); w++) {
      KerasWeight weight = layer.weights().get(w);
      StoredWeight storedWeight = storedLayer.weights().get(w);
      String role = storedWeight.kerasName();
      boolean roleDiffers = KNOWN_WEIGHT_NAMES.contains(role) && !role.equals(weight.name());
      if (roleDiffers || !Arrays.equals(weight.shape(), storedWeight.shape())) {
        throw mismatch(layer, storedLayer, weight);
      }
    }
  }

  /** Builds the error for the first layer that differs, choosing the most likely cause. */
  private KerasWeightsException mismatch(
      KerasLayer layer, StoredLayer storedLayer, KerasWeight weight) {
    Optional<Double> fileAlpha = findMatchingAlpha();
    if (fileAlpha.isPresent()) {
      return wrongAlpha(layer, storedLayer, weight, fileAlpha.get());
    }
    if (layerNames.stream().noneMatch(layer::isKnownAs)
        && expected.stream().anyMatch(other -> other.isKnownAs(storedLayer.name()))) {
      return missingLayer(layer, storedLayer);
    }
    return new KerasWeightsException(
        describeDifference(layer, storedLayer, weight)
            + ". The file does not hold MobileNetV2 weights in the Keras layout for alpha "
            + alphaText()
            + ": use "
            + standardNameHint());
  }

  private KerasWeightsException wrongAlpha(
      KerasLayer layer, StoredLayer storedLayer, KerasWeight weight, double fileAlpha) {
    String top = stored.size() > expected.size() ? " and includes the classifier top" : "";
    return new KerasWeightsException(
        describeDifference(layer, storedLayer, weight)
            + ". The file contains MobileNetV2 weights for alpha "
            + KerasWeightsFile.formatAlpha(fileAlpha)
            + top
            + ", not "
            + alphaText()
            + ": set alpha to "
            + KerasWeightsFile.formatAlpha(fileAlpha)
            + " or use "
            + standardNameHint());
  }

  private KerasWeightsException missingLayer(KerasLayer layer, StoredLayer inItsPlace) {
    String found =
        inItsPlace == null
            ? "the file ends after " + stored.size() + " layers with weights"
            : "found layer '"
                + inItsPlace.name()
                + "' with weights "
                + describeWeights(inItsPlace)
                + " in its place";
    return new KerasWeightsException(
        "Layer '"
            + layer.name()
            + "'"
            + legacyNameText(layer)
            + " with weights "
            + layer.weights()
            + " is missing from Keras weights file "
            + file
            + " ("
            + found
            + "). The file is incomplete or damaged: replace it with a complete copy of "
            + standardNameHint());
  }

  private KerasWeightsException extraLayers(StoredLayer extra) {
    boolean classifier =
        extra.weights().stream().anyMatch(weight -> weight.shape().length == 2)
            || extra.name().equals("Logits")
            || extra.name().equals("predictions");
    String reason =
        classifier
            ? " contains the ImageNet classifier (layer '"
                + extra.name()
                + "' with weights "
                + describeWeights(extra)
                + "), but the trainer needs the backbone without top: use "
            : " has layers with weights after 'Conv_1_bn' (first: '"
                + extra.name()
                + "' with weights "
                + describeWeights(extra)
                + "), which MobileNetV2 without top does not have: use ";
    return new KerasWeightsException("Keras weights file " + file + reason + standardNameHint());
  }

  /**
   * Returns the published alpha, other than the requested one, whose layout the file's weighted
   * layers match exactly, ignoring any layers after the backbone.
   */
  private Optional<Double> findMatchingAlpha() {
    for (double candidate : PUBLISHED_ALPHAS) {
      if (candidate != network.alpha() && matchesLayout(MobileNetV2Layers.forAlpha(candidate))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private boolean matchesLayout(MobileNetV2Layers candidate) {
    List<KerasLayer> layers = candidate.weightedLayers();
    if (stored.size() < layers.size()) {
      return false;
    }
    for (int i = 0; i < layers.size(); i++) {
      List<KerasWeight> weights = layers.get(i).weights();
      List<StoredWeight> storedWeights = stored.get(i).weights();
      if (weights.size() != storedWeights.size()) {
        return false;
      }
      for (int w = 0; w < weights.size(); w++) {
        if (!Arrays.equals(weights.get(w).shape(), storedWeights.get(w).shape())) {
          return false;
        }
      }
    }
    return true;
  }

  private String describeDifference(KerasLayer layer, StoredLayer storedLayer, KerasWeight weight) {
    String where =
        "Keras weights file "
            + file
            + " does not fit MobileNetV2 alpha "
            + alphaText()
            + ": layer '"
            + storedLayer.name()
            + "' (position "
            + storedLayer.position()
            + " in layer_names, mapped to '"
            + layer.name()
            + "')";
    if (weight == null) {
      return where
          + " has weights "
          + describeWeights(storedLayer)
          + ", expected "
          + layer.weights();
    }
    StoredWeight storedWeight = storedLayer.weights().get(layer.weights().indexOf(weight));
    return where
        + ", weight '"
        + storedWeight.storedName()
        + "' (variable '"
        + layer.variableName(weight)
        + "'): expected shape "
        + Arrays.toString(weight.shape())
        + ", found "
        + storedWeight.shapeText()
        + (storedWeight.kerasName().equals(weight.name())
            ? ""
            : ", and expected weight '" + weight.name() + "'");
  }

  private static String describeWeights(StoredLayer layer) {
    return layer.weights().stream()
        .map(weight -> weight.kerasName() + weight.shapeText())
        .toList()
        .toString();
  }

  private static String legacyNameText(KerasLayer layer) {
    return layer.legacyNames().isEmpty()
        ? ""
        : " (2018 name '" + String.join("' or '", layer.legacyNames()) + "')";
  }

  private String alphaText() {
    return KerasWeightsFile.formatAlpha(network.alpha());
  }

  private String standardNameHint() {
    return "the file for alpha "
        + alphaText()
        + " named "
        + KerasWeightsFile.standardFileName(network.alpha(), 224).replace("_224_", "_<size>_");
  }
}
