package dev.saguaro.trainer.training;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * One Adam update of a list of variables, built into a graph with the order of its steps fixed.
 *
 * <p>Each step first computes every gradient, then applies Adam to every variable, and only then
 * advances the bias-correction powers {@code beta1^t} and {@code beta2^t}. TensorFlow Java's own
 * {@code Adam} (1.1.0) advances those powers with no dependency on the variable updates, so some
 * updates of a step read {@code beta^t} and others {@code beta^(t+1)}, as thread scheduling falls.
 * Runs from one seed then differed, even on one thread. Keras orders the updates as this class
 * does. The slots and powers start from initializers that the session runs before its first step.
 */
final class AdamStep {

  /** Keras's Adam defaults. */
  private static final float BETA_1 = 0.9f;

  private static final float BETA_2 = 0.999f;
  private static final float EPSILON = 1e-7f;

  private AdamStep() {}

  /**
   * Adds the update and returns the op to run as a training step's target.
   *
   * @param variables the variables to train, each with its static shape
   * @param gradients the gradient of the loss for each variable, in the same order
   */
  static Op add(
      Ops tf,
      List<Variable<TFloat32>> variables,
      List<Operand<TFloat32>> gradients,
      float learningRate) {
    if (variables.size() != gradients.size()) {
      throw new IllegalArgumentException(
          variables.size() + " variables but " + gradients.size() + " gradients");
    }
    Ops adam = tf.withSubScope("adam");
    Variable<TFloat32> beta1Power = adam.withName("beta1_power").variable(adam.constant(BETA_1));
    Variable<TFloat32> beta2Power = adam.withName("beta2_power").variable(adam.constant(BETA_2));

    // Applying waits for all gradients: the variables are reference variables, read in place, so an
    // early update would change what a later gradient op of the same step reads.
    List<Op> gradientOps = new ArrayList<>(gradients);
    Ops afterGradients = adam.withControlDependencies(gradientOps);

    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Variable<TFloat32> variable = variables.get(i);
      String name = variable.op().name();
      Operand<TFloat32> zeros =
          adam.zeros(adam.constant(variable.shape().asArray()), TFloat32.class);
      Variable<TFloat32> firstMoment = adam.withName(name + "-m").variable(zeros);
      Variable<TFloat32> secondMoment = adam.withName(name + "-v").variable(zeros);
      updates.add(
          afterGradients
              .withName(name + "-apply")
              .train
              .applyAdam(
                  variable,
                  firstMoment,
                  secondMoment,
                  beta1Power,
                  beta2Power,
                  adam.constant(learningRate),
                  adam.constant(BETA_1),
                  adam.constant(BETA_2),
                  adam.constant(EPSILON),
                  gradients.get(i)));
    }

    Ops afterUpdates = adam.withControlDependencies(updates);
    Op nextBeta1 =
        afterUpdates.assign(beta1Power, afterUpdates.math.mul(beta1Power, adam.constant(BETA_1)));
    Op nextBeta2 =
        afterUpdates.assign(beta2Power, afterUpdates.math.mul(beta2Power, adam.constant(BETA_2)));
    return adam.withControlDependencies(List.of(nextBeta1, nextBeta2)).withName("step").noOp();
  }
}
