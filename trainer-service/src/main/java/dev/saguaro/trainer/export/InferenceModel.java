package dev.saguaro.trainer.export;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.trainer.data.ImagePreprocessing;
import dev.saguaro.trainer.model.ClassifierOutputs;
import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.ModelVariables;
import dev.saguaro.trainer.model.NetworkBuilder;
import dev.saguaro.trainer.model.TensorValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * A clean inference graph of a trained network: the model variables, the in-graph preprocessing and
 * the network with batch normalization in inference mode, and nothing of training (no optimizer
 * slots, no gradients, no moving-average updates). This is what gets exported as a SavedModel, so
 * its signatures are those of {@link ModelSignatures}.
 *
 * <p>Owns its {@link Graph} and {@link Session}; {@link #close()} releases them. Runs are safe from
 * several threads, but {@link #close()} must not race with them.
 */
public final class InferenceModel implements AutoCloseable {

  private final MobileNetV2Architecture architecture;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TString> imageBytes;
  private final Operand<TFloat32> preprocessedImages;
  private final Operand<TFloat32> servingProbabilities;
  private final Placeholder<TFloat32> images;
  private final Operand<TFloat32> classifyProbabilities;
  private final ModelVariables variables;

  /**
   * Builds the graph and loads {@code weights}, which must contain every variable of {@code
   * architecture}.
   */
  public InferenceModel(
      MobileNetV2Architecture architecture, Map<String, TensorValue> weights, ConfigProto config) {
    this.architecture = architecture;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      variables = new ModelVariables(tf, architecture);
      int size = architecture.imageSize();

      imageBytes =
          tf.withName(ModelSignatures.INPUT_IMAGE_BYTES)
              .placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      Ops preprocess = tf.withSubScope(ModelSignatures.PREPROCESS);
      preprocessedImages = ImagePreprocessing.addPreprocessing(preprocess, imageBytes, size);
      servingProbabilities =
          addNetwork(
              tf.withSubScope(ModelSignatures.SERVING_DEFAULT), variables, preprocessedImages);

      images =
          tf.withName(ModelSignatures.IMAGES)
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      classifyProbabilities =
          addNetwork(tf.withSubScope(ModelSignatures.CLASSIFY), variables, images);

      requireAllVariables(variables, weights);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }

    this.session = config == null ? new Session(graph) : new Session(graph, config);
    try {
      variables.assign(session, weights);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Operand<TFloat32> addNetwork(Ops tf, ModelVariables variables, Operand<TFloat32> input) {
    NetworkBuilder builder = new NetworkBuilder(tf, architecture, variables);
    int end = architecture.layers().size();
    NetworkBuilder.BuiltLayers built = builder.build(Map.of(0, input), 1, end, end);
    return ClassifierOutputs.addProbabilities(tf, built.output(end - 1), architecture.isBinary());
  }

  private static void requireAllVariables(
      ModelVariables variables, Map<String, TensorValue> weights) {
    for (String name : variables.specs().keySet()) {
      if (!weights.containsKey(name)) {
        throw new IllegalArgumentException("No value for model variable " + name);
      }
    }
  }

  public MobileNetV2Architecture architecture() {
    return architecture;
  }

  /** Reads the value of every model variable. */
  public Map<String, TensorValue> readWeights() {
    return variables.read(session);
  }

  /**
   * Runs the serving path (decode, resize, scale, network) on each encoded image.
   *
   * @return one row of class probabilities per image
   * @throws org.tensorflow.exceptions.TFInvalidArgumentException when an image cannot be decoded
   */
  public float[][] predict(List<byte[]> encodedImages) {
    float[][] probabilities = new float[encodedImages.size()][];
    for (int i = 0; i < encodedImages.size(); i++) {
      try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(encodedImages.get(i)));
          Result result =
              session.runner().feed(imageBytes, input).fetch(servingProbabilities).run()) {
        float[] row = new float[architecture.classCount()];
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(row, false, false));
        probabilities[i] = row;
      }
    }
    return probabilities;
  }

  /**
   * Writes a SavedModel with the {@link ModelSignatures} signatures into {@code directory}, plus
   * {@code metadata} at {@link ModelSignatures#METADATA_ENTRY}.
   */
  public void exportSavedModel(Path directory, ModelMetadata metadata) {
    try {
      Files.createDirectories(directory);
      SavedModelBundle.exporter(directory.toString())
          .withTags(ModelSignatures.SERVE_TAG)
          .withSession(session)
          .withSignatures(
              Signature.builder(ModelSignatures.SERVING_DEFAULT)
                  .input(ModelSignatures.INPUT_IMAGE_BYTES, imageBytes)
                  .output(ModelSignatures.OUTPUT_PROBABILITIES, servingProbabilities)
                  .build(),
              Signature.builder(ModelSignatures.PREPROCESS)
                  .input(ModelSignatures.INPUT_IMAGE_BYTES, imageBytes)
                  .output(ModelSignatures.IMAGES, preprocessedImages)
                  .build(),
              Signature.builder(ModelSignatures.CLASSIFY)
                  .input(ModelSignatures.IMAGES, images)
                  .output(ModelSignatures.OUTPUT_PROBABILITIES, classifyProbabilities)
                  .build())
          .export();
      Path metadataFile = directory.resolve(ModelSignatures.METADATA_ENTRY);
      Files.createDirectories(metadataFile.getParent());
      Files.writeString(metadataFile, ContractCodec.encode(metadata), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to export the SavedModel to " + directory, e);
    }
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
