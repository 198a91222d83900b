package dev.saguaro.trainer.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Probabilities and per-image cross-entropy computed from the logits of the dense head.
 *
 * <p>A binary head has one sigmoid unit whose probability {@code p} is returned as {@code [1 - p,
 * p]}, so that every model returns one column per class. Its loss is binary cross-entropy computed
 * from the logit {@code z} in the stable form {@code max(z, 0) - z * y + log(1 + exp(-|z|))}. A
 * multi-class head uses softmax and categorical cross-entropy.
 *
 * @param probabilities {@code [N, classes]}
 * @param perImageLoss {@code [N]}, or {@code null} when built without labels
 */
public record ClassifierOutputs(Operand<TFloat32> probabilities, Operand<TFloat32> perImageLoss) {

  /** Adds the probabilities of {@code logits} {@code [N, headUnits]}. */
  public static Operand<TFloat32> addProbabilities(
      Ops tf, Operand<TFloat32> logits, boolean binary) {
    if (!binary) {
      return tf.withName("probabilities").nn.softmax(logits);
    }
    Operand<TFloat32> positive = tf.math.sigmoid(logits);
    Operand<TFloat32> negative = tf.math.sub(tf.constant(1f), positive);
    return tf.withName("probabilities")
        .concat(java.util.List.of(negative, positive), tf.constant(1));
  }

  /**
   * Adds probabilities and loss.
   *
   * @param targets {@code [N, headUnits]}: the label 0 or 1 of a binary head, else one-hot labels
   */
  public static ClassifierOutputs add(
      Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets, boolean binary) {
    Operand<TFloat32> probabilities = addProbabilities(tf, logits, binary);
    Operand<TFloat32> loss;
    if (binary) {
      Operand<TFloat32> elementLoss =
          tf.math.add(
              tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, targets)),
              tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
      loss = tf.withName("per_image_loss").sum(elementLoss, tf.constant(1));
    } else {
      loss = tf.withName("per_image_loss").nn.softmaxCrossEntropyWithLogits(logits, targets).loss();
    }
    return new ClassifierOutputs(probabilities, loss);
  }
}
