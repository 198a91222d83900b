package dev.saguaro.trainer.training;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.trainer.data.EpochShuffler;
import dev.saguaro.trainer.data.LabeledImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.logging.Logger;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Runs the epochs of one phase on a {@link PhaseGraph}: shuffled training batches, then one
 * unshuffled pass over the whole validation set with batch normalization in inference mode. Not
 * thread-safe.
 */
final class PhaseRunner {

  private static final Logger LOG = Logger.getLogger(PhaseRunner.class);

  private final PhaseGraph graph;
  private final BatchInputs inputs;
  private final List<LabeledImage> examples;
  private final int trainingCount;
  private final int batchSize;
  private final EpochShuffler shuffler;
  private final TrainingListener listener;
  private final CancellationCheck cancellation;
  private final String snapshotId;

  /**
   * @param examples training images, then validation images
   * @param trainingCount how many of {@code examples} are training images
   */
  PhaseRunner(
      PhaseGraph graph,
      BatchInputs inputs,
      List<LabeledImage> examples,
      int trainingCount,
      int batchSize,
      EpochShuffler shuffler,
      TrainingListener listener,
      CancellationCheck cancellation,
      String snapshotId) {
    this.graph = graph;
    this.inputs = inputs;
    this.examples = examples;
    this.trainingCount = trainingCount;
    this.batchSize = batchSize;
    this.shuffler = shuffler;
    this.listener = listener;
    this.cancellation = cancellation;
    this.snapshotId = snapshotId;
  }

  /** Trains one epoch, validates, reports the metrics to the listener and returns them. */
  EpochMetrics runEpoch(int phase, int epoch, int lastEpoch)
      throws InvalidTrainingDataException, TrainingCancelledException {
    long started = System.nanoTime();
    int[] order = shuffler.order(epoch, trainingCount);
    int batches = (trainingCount + batchSize - 1) / batchSize;
    Totals training = new Totals(trainingCount);
    for (int batch = 0; batch < batches; batch++) {
      if (cancellation.isCancellationRequested()) {
        throw new TrainingCancelledException(
            "Training cancelled before phase "
                + phase
                + " epoch "
                + epoch
                + " batch "
                + (batch + 1));
      }
      int from = batch * batchSize;
      int[] indices = Arrays.copyOfRange(order, from, Math.min(from + batchSize, trainingCount));
      runBatch(indices, true, training);
      listener.onBatchCompleted(phase, epoch, batch + 1, batches);
    }
    double trainingSeconds = (System.nanoTime() - started) / 1e9;

    int validationCount = examples.size() - trainingCount;
    Totals validation = new Totals(validationCount);
    for (int from = trainingCount; from < examples.size(); from += batchSize) {
      if (cancellation.isCancellationRequested()) {
        throw new TrainingCancelledException(
            "Training cancelled during validation of phase " + phase + " epoch " + epoch);
      }
      int[] indices = new int[Math.min(batchSize, examples.size() - from)];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = from + i;
      }
      runBatch(indices, false, validation);
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    EpochMetrics metrics =
        new EpochMetrics(
            phase,
            epoch,
            training.meanLoss(),
            training.accuracy(),
            validation.meanLoss(),
            validation.accuracy(),
            graph.architecture.isBinary() ? validation.auc() : null,
            seconds,
            trainingCount / trainingSeconds);
    LOG.infof(
        "Training progress of snapshot %s: phase %d, epoch %d of %d, loss %.4f, accuracy %.4f,"
            + " validation loss %.4f, validation accuracy %.4f, validation AUC %s, %.1f s,"
            + " %.0f images/s",
        snapshotId,
        phase,
        epoch,
        lastEpoch,
        metrics.trainLoss(),
        metrics.trainAccuracy(),
        metrics.validationLoss(),
        metrics.validationAccuracy(),
        metrics.validationAuc() == null ? "n/a" : String.format("%.4f", metrics.validationAuc()),
        metrics.durationSeconds(),
        metrics.imagesPerSecond());
    listener.onEpochCompleted(metrics);
    return metrics;
  }

  private void runBatch(int[] indices, boolean train, Totals totals)
      throws InvalidTrainingDataException {
    int units = graph.architecture.headUnits();
    float[] targets = new float[indices.length * units];
    for (int row = 0; row < indices.length; row++) {
      int label = examples.get(indices[row]).classIndex();
      if (units == 1) {
        targets[row] = label;
      } else {
        targets[row * units + label] = 1f;
      }
    }

    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = graph.session.runner();
      inputs.feed(runner, indices, owned);
      TFloat32 targetTensor = BatchInputs.batchTensor(targets, indices.length, new long[] {units});
      owned.add(targetTensor);
      runner.feed(graph.targets, targetTensor);
      if (train) {
        runner
            .fetch(graph.trainingProbabilities)
            .fetch(graph.trainingLoss)
            .addTarget(graph.trainingStep);
      } else {
        runner.fetch(graph.validationProbabilities).fetch(graph.validationLoss);
      }
      try (Result result = runner.run()) {
        int classes = graph.architecture.classCount();
        float[] probabilities = new float[indices.length * classes];
        float[] losses = new float[indices.length];
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(probabilities, false, false));
        ((TFloat32) result.get(1)).copyTo(DataBuffers.of(losses, false, false));
        for (int row = 0; row < indices.length; row++) {
          totals.add(
              Arrays.copyOfRange(probabilities, row * classes, (row + 1) * classes),
              losses[row],
              examples.get(indices[row]).classIndex());
        }
      }
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** Running sums of one pass: loss, correct predictions and, for AUC, each positive score. */
  private static final class Totals {

    private final double[] positiveScores;
    private final boolean[] positives;
    private int count;
    private double lossSum;
    private int correct;

    Totals(int capacity) {
      positiveScores = new double[capacity];
      positives = new boolean[capacity];
    }

    void add(float[] probabilities, float loss, int label) {
      int predicted = 0;
      for (int c = 1; c < probabilities.length; c++) {
        if (probabilities[c] > probabilities[predicted]) {
          predicted = c;
        }
      }
      if (predicted == label) {
        correct++;
      }
      lossSum += loss;
      positiveScores[count] = probabilities[probabilities.length - 1];
      positives[count] = label == probabilities.length - 1;
      count++;
    }

    double meanLoss() {
      return count == 0 ? Double.NaN : lossSum / count;
    }

    double accuracy() {
      return count == 0 ? Double.NaN : (double) correct / count;
    }

    Double auc() {
      return RocAuc.compute(Arrays.copyOf(positiveScores, count), Arrays.copyOf(positives, count));
    }
  }
}
