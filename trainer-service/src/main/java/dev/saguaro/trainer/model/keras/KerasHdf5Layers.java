package dev.saguaro.trainer.model.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the layer list of a Keras HDF5 weights file as {@code Model.save_weights} writes it: the
 * attribute {@code layer_names} on the root group (or on {@code model_weights} in a full model
 * file), one group per layer with the attribute {@code weight_names}, and one dataset per weight at
 * the path that {@code weight_names} gives relative to the layer group, such as {@code
 * Conv1/kernel:0}.
 *
 * <p>Keras splits an attribute that outgrows the HDF5 object header into {@code layer_names0},
 * {@code layer_names1}, ..., and this class joins such chunks. A layer without a {@code
 * weight_names} attribute, or with an empty one, has no weights, as in Keras's loader.
 */
final class KerasHdf5Layers {

  /** One weight as stored: its name in {@code weight_names}, its shape, and its dataset. */
  record StoredWeight(String storedName, long[] shape, Dataset dataset) {

    /** Returns the Keras weight name without layer prefix and {@code :0} suffix. */
    String kerasName() {
      String name = storedName.substring(storedName.lastIndexOf('/') + 1);
      int colon = name.indexOf(':');
      return colon < 0 ? name : name.substring(0, colon);
    }

    String shapeText() {
      return Arrays.toString(shape);
    }
  }

  /** One layer that has weights, with its position in {@code layer_names}. */
  record StoredLayer(int position, String name, List<StoredWeight> weights) {}

  private KerasHdf5Layers() {}

  /** Returns the names in {@code layer_names}, in file order. */
  static List<String> readLayerNames(HdfFile hdf, Path file) {
    Group root = weightsRoot(hdf);
    List<String> names = readStringList(root, "layer_names", file);
    if (names == null) {
      throw new KerasWeightsException(
          "Keras weights file "
              + file
              + " has no layer_names attribute, so it is not a weights file written by Keras's"
              + " save_weights: use a file such as "
              + KerasWeightsFile.standardFileName(1.0, 224));
    }
    return names;
  }

  /**
   * Reads the layers that have weights, with the shapes of their datasets but not yet their values.
   */
  static List<StoredLayer> readWeightedLayers(HdfFile hdf, Path file, List<String> layerNames) {
    Group root = weightsRoot(hdf);
    List<StoredLayer> layers = new ArrayList<>();
    for (int position = 0; position < layerNames.size(); position++) {
      String layerName = layerNames.get(position);
      Node node = root.getChildren().get(layerName);
      if (!(node instanceof Group layerGroup)) {
        throw new KerasWeightsException(
            "Keras weights file "
                + file
                + " lists layer '"
                + layerName
                + "' in layer_names but has no group for it, so the file is damaged or incomplete."
                + " Replace it with a complete copy");
      }

      List<String> weightNames = readStringList(layerGroup, "weight_names", file);
      if (weightNames == null || weightNames.isEmpty()) {
        continue;
      }
      List<StoredWeight> weights = new ArrayList<>();
      for (String weightName : weightNames) {
        weights.add(readStoredWeight(layerGroup, weightName, file));
      }
      layers.add(new StoredLayer(position, layerName, weights));
    }
    return layers;
  }

  /** Reads the values of one weight as float32, converting from float64 if stored so. */
  static float[] readValues(StoredLayer layer, StoredWeight weight, Path file) {
    Object data = weight.dataset().getDataFlat();
    if (data instanceof float[] floats) {
      return floats;
    }
    if (data instanceof double[] doubles) {
      float[] floats = new float[doubles.length];
      for (int i = 0; i < doubles.length; i++) {
        floats[i] = (float) doubles[i];
      }
      return floats;
    }
    throw new KerasWeightsException(
        "Weight '"
            + weight.storedName()
            + "' of layer '"
            + layer.name()
            + "' in Keras weights file "
            + file
            + " contains "
            + weight.dataset().getJavaType().getSimpleName()
            + " values, expected float32 or float64: the file was not written by Keras");
  }

  private static StoredWeight readStoredWeight(Group layerGroup, String weightName, Path file) {
    Dataset dataset;
    try {
      dataset = layerGroup.getDatasetByPath(weightName);
    } catch (HdfException e) {
      throw new KerasWeightsException(
          "Layer '"
              + layerGroup.getName()
              + "' of Keras weights file "
              + file
              + " lists weight '"
              + weightName
              + "' in weight_names but has no dataset for it, so the file is damaged or incomplete."
              + " Replace it with a complete copy",
          e);
    }
    long[] shape = Arrays.stream(dataset.getDimensions()).asLongStream().toArray();
    return new StoredWeight(weightName, shape, dataset);
  }

  /** Returns the group that carries {@code layer_names}: the root, or {@code model_weights}. */
  private static Group weightsRoot(HdfFile hdf) {
    if (!hdf.getAttributes().containsKey("layer_names")
        && !hdf.getAttributes().containsKey("layer_names0")
        && hdf.getChildren().get("model_weights") instanceof Group modelWeights) {
      return modelWeights;
    }
    return hdf;
  }

  /**
   * Reads a string list attribute, joining Keras's numbered chunks; returns null if the node has
   * neither the attribute nor its chunks.
   */
  private static List<String> readStringList(Node node, String name, Path file) {
    Attribute whole = node.getAttributes().get(name);
    if (whole != null) {
      return toStrings(whole, node, file);
    }
    if (!node.getAttributes().containsKey(name + "0")) {
      return null;
    }
    List<String> joined = new ArrayList<>();
    for (int chunk = 0; node.getAttributes().containsKey(name + chunk); chunk++) {
      joined.addAll(toStrings(node.getAttributes().get(name + chunk), node, file));
    }
    return joined;
  }

  private static List<String> toStrings(Attribute attribute, Node node, Path file) {
    // h5py stores an empty Python list as an empty float64 array, which jhdf reports as empty.
    if (attribute.isEmpty()) {
      return List.of();
    }
    Object data = attribute.getData();
    if (data instanceof String[] strings) {
      return List.of(strings);
    }
    if (data instanceof String string) {
      return List.of(string);
    }
    throw new KerasWeightsException(
        "Attribute '"
            + attribute.getName()
            + "' of '"
            + node.getPath()
            + "' in Keras weights file "
            + file
            + " contains "
            + attribute.getJavaType().getSimpleName()
            + " values, expected a list of strings: the file was not written by Keras");
  }
}
