package dev.saguaro.trainer.training;

import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.RandomWeights;
import dev.saguaro.trainer.model.TensorValue;
import dev.saguaro.trainer.model.VariableSpec;
import dev.saguaro.trainer.model.keras.KerasWeightsFile;
import dev.saguaro.trainer.model.keras.NamedArray;
import java.util.Arrays;
import java.util.Map;
import org.jboss.logging.Logger;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Resolves a {@link WeightSource} into a starting value for every model variable. Variables the
 * source does not cover (the head, for an ImageNet backbone) keep seeded random values.
 */
final class InitialWeights {

  private static final Logger LOG = Logger.getLogger(InitialWeights.class);

  private InitialWeights() {}

  /**
   * Returns the starting values.
   *
   * @throws IllegalArgumentException when a backbone variable of the source is missing or has a
   *     different shape, which means the source was made for another alpha or input size
   */
  static Map<String, TensorValue> resolve(
      WeightSource source, MobileNetV2Architecture architecture, long seed) {
    Map<String, TensorValue> values = RandomWeights.create(architecture, seed);
    if (source instanceof WeightSource.ImageNet imageNet) {
      copyImageNetWeights(imageNet, architecture, values);
    } else if (source instanceof WeightSource.ServedModel served) {
      copyServedModelWeights(served, architecture, values);
    }
    return values;
  }

  private static void copyImageNetWeights(
      WeightSource.ImageNet source,
      MobileNetV2Architecture architecture,
      Map<String, TensorValue> values) {
    Map<String, NamedArray> arrays =
        KerasWeightsFile.readMobileNetV2(source.kerasWeightsFile(), architecture.alpha());
    int backbone = architecture.backboneLayerCount();
    for (VariableSpec spec : backboneVariables(architecture)) {
      NamedArray array = arrays.get(spec.name());
      if (array == null) {
        throw new IllegalArgumentException(
            "Keras weights file "
                + source.kerasWeightsFile()
                + " has no value for "
                + spec.name()
                + ": use the no-top MobileNetV2 file for alpha "
                + architecture.alpha());
      }
      requireShape(spec, array.shape(), source.kerasWeightsFile().toString());
      values.put(spec.name(), new TensorValue(array.shape(), array.values()));
    }
    LOG.infof(
        "Initialised %d backbone layers from ImageNet weights in %s",
        backbone, source.kerasWeightsFile());
  }

  private static void copyServedModelWeights(
      WeightSource.ServedModel source,
      MobileNetV2Architecture architecture,
      Map<String, TensorValue> values) {
    String directory = source.savedModelDirectory().toString();
    try (SavedModelBundle bundle = SavedModelBundle.load(directory, "serve")) {
      int copied = 0;
      for (VariableSpec spec : architecture.variables()) {
        boolean head = spec.name().startsWith(MobileNetV2Architecture.HEAD_DENSE + ".");
        if (bundle.graph().operation(spec.name()) == null) {
          throw new IllegalArgumentException(
              "The served model in " + directory + " has no variable " + spec.name());
        }
        TensorValue value = readVariable(bundle.session(), spec.name());
        if (head && !Arrays.equals(spec.shape(), value.shape())) {
          LOG.infof(
              "The served model's head %s has shape %s but this run needs %s (another class"
                  + " count): the head starts from random weights",
              spec.name(), Arrays.toString(value.shape()), Arrays.toString(spec.shape()));
          continue;
        }
        requireShape(spec, value.shape(), directory);
        values.put(spec.name(), value);
        copied++;
      }
      LOG.infof("Initialised %d variables from the served model in %s", copied, directory);
    }
  }

  private static TensorValue readVariable(Session session, String name) {
    try (Result result = session.runner().fetch(name).run()) {
      TFloat32 tensor = (TFloat32) result.get(0);
      float[] values = new float[(int) tensor.shape().size()];
      tensor.copyTo(DataBuffers.of(values, false, false));
      return new TensorValue(tensor.shape().asArray(), values);
    }
  }

  private static java.util.List<VariableSpec> backboneVariables(
      MobileNetV2Architecture architecture) {
    return architecture.variables().stream()
        .filter(spec -> !spec.name().startsWith(MobileNetV2Architecture.HEAD_DENSE + "."))
        .toList();
  }

  private static void requireShape(VariableSpec spec, long[] found, String source) {
    if (!Arrays.equals(spec.shape(), found)) {
      throw new IllegalArgumentException(
          "Variable "
              + spec.name()
              + " has shape "
              + Arrays.toString(found)
              + " in "
              + source
              + " but this network needs "
              + Arrays.toString(spec.shape())
              + ": use weights made for the run's alpha and input size");
    }
  }
}
