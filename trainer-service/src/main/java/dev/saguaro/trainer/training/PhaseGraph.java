package dev.saguaro.trainer.training;

import dev.saguaro.trainer.data.ImagePreprocessing;
import dev.saguaro.trainer.model.ClassifierOutputs;
import dev.saguaro.trainer.model.Layer;
import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.ModelVariables;
import dev.saguaro.trainer.model.NetworkBuilder;
import dev.saguaro.trainer.model.VariableSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The training graph of one phase, cut at a Keras layer index. Layers before the cut are frozen and
 * run in inference mode. Layers from the cut on train, with their batch normalization in training
 * mode.
 *
 * <p>The graph contains the network once from the preprocessed images to the logits. The frozen
 * layers' outputs that the trained layers read (the boundary tensors) can be fed directly, which
 * prunes the frozen layers from the run: that is how cached activations replace the frozen bottom.
 * Gradients are taken for the trainable variables only and applied by one {@link AdamStep}. A
 * second copy of the trained layers runs in inference mode for validation.
 *
 * <p>Owns its graph and session; {@link #close()} releases them. Not thread-safe.
 */
final class PhaseGraph implements AutoCloseable {

  final MobileNetV2Architecture architecture;
  final int cut;
  final Graph graph;
  final Session session;
  final ModelVariables variables;
  final Placeholder<TString> imageBytes;
  final Operand<TFloat32> preprocessedImage;
  final Placeholder<TFloat32> images;
  final List<Integer> boundaryLayers;
  final List<Operand<TFloat32>> boundaryOutputs;
  final Placeholder<TFloat32> targets;
  final Operand<TFloat32> trainingProbabilities;
  final Operand<TFloat32> trainingLoss;
  final Op trainingStep;
  final Operand<TFloat32> validationProbabilities;
  final Operand<TFloat32> validationLoss;
  final List<String> trainableVariables;

  /**
   * Builds the graph and opens its session; the variables still need values.
   *
   * @param cut index of the first trained layer, from 1 to the head's dense layer
   */
  PhaseGraph(
      MobileNetV2Architecture architecture, int cut, float learningRate, ConfigProto config) {
    this.architecture = architecture;
    this.cut = cut;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      int end = architecture.layers().size();
      int size = architecture.imageSize();
      variables = new ModelVariables(tf, architecture);

      imageBytes = tf.withName("image_bytes").placeholder(TString.class);
      preprocessedImage =
          ImagePreprocessing.addPreprocessing(tf.withSubScope("preprocess"), imageBytes, size);

      images =
          tf.withName("images")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
      NetworkBuilder.BuiltLayers frozen =
          new NetworkBuilder(tf.withSubScope("frozen"), architecture, variables)
              .build(Map.of(0, images), 1, cut, end);
      boundaryLayers = architecture.boundaryLayers(cut);
      Map<Integer, Operand<TFloat32>> boundary = new HashMap<>();
      List<Operand<TFloat32>> outputs = new ArrayList<>();
      for (int index : boundaryLayers) {
        boundary.put(index, frozen.output(index));
        outputs.add(frozen.output(index));
      }
      boundaryOutputs = List.copyOf(outputs);

      int units = architecture.headUnits();
      targets =
          tf.withName("targets")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, units)));

      Ops training = tf.withSubScope("training");
      NetworkBuilder.BuiltLayers trained =
          new NetworkBuilder(training, architecture, variables).build(boundary, cut, end, cut);
      ClassifierOutputs trainingOutputs =
          ClassifierOutputs.add(
              training, trained.output(end - 1), targets, architecture.isBinary());
      trainingProbabilities = trainingOutputs.probabilities();
      trainingLoss = trainingOutputs.perImageLoss();

      trainableVariables = listTrainableVariables(architecture, cut);
      Op optimizerStep = addOptimizerStep(tf, learningRate);
      List<Op> stepDependencies = new ArrayList<>(trained.movingAverageUpdates());
      stepDependencies.add(optimizerStep);
      trainingStep = tf.withControlDependencies(stepDependencies).withName("training_step").noOp();

      Ops validation = tf.withSubScope("validation");
      NetworkBuilder.BuiltLayers evaluated =
          new NetworkBuilder(validation, architecture, variables).build(boundary, cut, end, end);
      ClassifierOutputs validationOutputs =
          ClassifierOutputs.add(
              validation, evaluated.output(end - 1), targets, architecture.isBinary());
      validationProbabilities = validationOutputs.probabilities();
      validationLoss = validationOutputs.perImageLoss();

      session = config == null ? new Session(graph) : new Session(graph, config);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  private Op addOptimizerStep(Ops tf, float learningRate) {
    Operand<TFloat32> meanLoss = tf.withName("mean_loss").math.mean(trainingLoss, tf.constant(0));
    List<Variable<TFloat32>> trained = new ArrayList<>(trainableVariables.size());
    Output<?>[] variableOutputs = new Output<?>[trainableVariables.size()];
    for (int i = 0; i < variableOutputs.length; i++) {
      trained.add(variables.variable(trainableVariables.get(i)));
      variableOutputs[i] = trained.get(i).asOutput();
    }

    // The gradient of a float variable is a float tensor, so the unchecked cast is safe.
    List<Operand<TFloat32>> gradients = new ArrayList<>(variableOutputs.length);
    for (Output<?> gradient : graph.addGradients(meanLoss.asOutput(), variableOutputs)) {
      @SuppressWarnings("unchecked")
      Output<TFloat32> floatGradient = (Output<TFloat32>) gradient;
      gradients.add(floatGradient);
    }
    return AdamStep.add(tf, trained, gradients, learningRate);
  }

  /** Lists the trainable variables of the layers from {@code cut} on, in layer order. */
  static List<String> listTrainableVariables(MobileNetV2Architecture architecture, int cut) {
    List<String> names = new ArrayList<>();
    for (Layer layer : architecture.layers().subList(cut, architecture.layers().size())) {
      for (VariableSpec spec : layer.variables()) {
        if (spec.trainable()) {
          names.add(spec.name());
        }
      }
    }
    return names;
  }

  /** Returns the floats per example of each boundary tensor. */
  List<Integer> boundarySizes() {
    List<Integer> sizes = new ArrayList<>();
    for (int index : boundaryLayers) {
      sizes.add(architecture.layers().get(index).outputSize());
    }
    return sizes;
  }

  /** Returns the shape without the batch dimension of each boundary tensor. */
  List<long[]> boundaryShapes() {
    List<long[]> shapes = new ArrayList<>();
    for (int index : boundaryLayers) {
      shapes.add(architecture.layers().get(index).outputShape());
    }
    return shapes;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
