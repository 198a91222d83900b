package dev.saguaro.trainer.training;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.trainer.data.DatasetSplit;
import dev.saguaro.trainer.data.EpochShuffler;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import dev.saguaro.trainer.export.InferenceModel;
import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.TensorValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.tensorflow.proto.ConfigProto;

/**
 * Trains MobileNetV2 with the two-phase transfer-learning recipe.
 *
 * <p>Phase 1 trains the dense head on a frozen backbone whose batch normalization runs in inference
 * mode (or, from random weights with {@code trainWholeNetworkWhenRandom}, the whole network). Phase
 * 2 continues from the phase-1 weights and epoch count with the Keras layers from {@code
 * fineTuneAt} on trainable, their batch normalization in training mode. Each phase has its own
 * graph and Adam optimizer. When the activation cache is enabled, the frozen layers, being pure
 * functions of the image, run once per phase and every epoch trains on their stored output.
 *
 * <p>The split, the shuffles and the starting weights depend only on the seed, and so does the
 * result: two runs with one seed and the same thread settings give bit-identical weights, with or
 * without the activation cache (see {@link AdamStep} for the race that once broke this).
 *
 * <p>Thread-safe: each call to {@link #train} builds its own graphs.
 */
public final class RecipeTrainer {

  private static final Logger LOG = Logger.getLogger(RecipeTrainer.class);

  private final TrainerSettings settings;

  public RecipeTrainer(TrainerSettings settings) {
    this.settings = settings;
  }

  /**
   * Trains a model on {@code dataset}.
   *
   * @param hyperparameters the run's settings; fields left {@code null} take the recipe's values
   * @return the trained model, which the caller closes
   * @throws InvalidTrainingDataException when the dataset has fewer than two classes, a split is
   *     empty, or an image cannot be decoded
   * @throws TrainingCancelledException when {@code cancellation} asked to stop; checked before
   *     every batch
   * @throws IllegalArgumentException when the hyperparameters are out of range or the weight source
   *     does not fit the network
   */
  public TrainedModel train(
      TrainingDataset dataset,
      TrainingHyperparameters hyperparameters,
      WeightSource weights,
      TrainingListener listener,
      CancellationCheck cancellation)
      throws TrainingCancelledException, InvalidTrainingDataException {
    TrainingHyperparameters settingsOfRun = hyperparameters.withDefaults();
    List<String> problems = settingsOfRun.validate();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid hyperparameters: " + String.join("; ", problems));
    }
    checkClasses(dataset);
    DatasetSplit split =
        DatasetSplit.create(
            dataset.images(), settingsOfRun.validationFraction(), settingsOfRun.seed());
    checkSplit(dataset, split, settingsOfRun);

    MobileNetV2Architecture architecture =
        MobileNetV2Architecture.create(
            settingsOfRun.alpha(), settingsOfRun.imageSize(), dataset.classNames().size());
    Map<String, TensorValue> values =
        InitialWeights.resolve(weights, architecture, settingsOfRun.seed());
    boolean wholeNetworkInPhase1 =
        weights instanceof WeightSource.Random && settingsOfRun.trainWholeNetworkWhenRandom();
    if (wholeNetworkInPhase1) {
      LOG.warnf(
          "The backbone starts from random weights (seed %d), not from ImageNet weights: phase 1"
              + " trains the whole network (trainWholeNetworkWhenRandom), which is slower than the"
              + " recipe's frozen backbone and needs more epochs",
          settingsOfRun.seed());
    } else if (weights instanceof WeightSource.Random) {
      LOG.warnf(
          "The backbone starts from random weights (seed %d) and stays frozen in phase 1, so its"
              + " features mean nothing and accuracy will be poor: set trainWholeNetworkWhenRandom"
              + " or provide the Keras ImageNet weights file",
          settingsOfRun.seed());
    }

    List<LabeledImage> examples = new ArrayList<>(split.training());
    examples.addAll(split.validation());
    RunState run =
        new RunState(
            dataset.snapshotId(),
            architecture,
            settingsOfRun,
            examples,
            split.training().size(),
            listener,
            cancellation);
    LOG.infof(
        "Training MobileNetV2 (alpha %s, %dx%d, %d classes) on snapshot %s: %d training and %d"
            + " validation images, batch %d, seed %d",
        settingsOfRun.alpha(),
        settingsOfRun.imageSize(),
        settingsOfRun.imageSize(),
        architecture.classCount(),
        dataset.snapshotId(),
        split.training().size(),
        split.validation().size(),
        settingsOfRun.batchSize(),
        settingsOfRun.seed());

    int phase1Cut = wholeNetworkInPhase1 ? 1 : architecture.headDenseIndex();
    int phase2Cut =
        Math.max(1, Math.min(settingsOfRun.fineTuneAt(), architecture.headDenseIndex()));
    int phase1Epochs = settingsOfRun.phase1Epochs();
    int phase2Epochs = settingsOfRun.phase2Epochs();
    values =
        run.trainPhase(1, 1, phase1Epochs, phase1Cut, settingsOfRun.phase1LearningRate(), values);
    values =
        run.trainPhase(
            2,
            phase1Epochs + 1,
            phase2Epochs,
            phase2Cut,
            settingsOfRun.phase2LearningRate(),
            values);
    return new TrainedModel(
        dataset.classNames(),
        run.history,
        new InferenceModel(architecture, values, sessionConfig()));
  }

  private static void checkClasses(TrainingDataset dataset) throws InvalidTrainingDataException {
    int classCount = dataset.classNames().size();
    if (classCount < 2) {
      throw new InvalidTrainingDataException(
          "Snapshot "
              + dataset.snapshotId()
              + " has "
              + classCount
              + " class(es) "
              + dataset.classNames()
              + ": a classifier needs images of at least 2 classes");
    }
    Set<Integer> present = new HashSet<>();
    for (LabeledImage image : dataset.images()) {
      if (image.classIndex() < 0 || image.classIndex() >= classCount) {
        throw new InvalidTrainingDataException(
            "Image "
                + image.imageId()
                + " has class index "
                + image.classIndex()
                + ", outside the "
                + classCount
                + " class names of snapshot "
                + dataset.snapshotId());
      }
      present.add(image.classIndex());
    }
    if (present.size() < 2) {
      throw new InvalidTrainingDataException(
          "Snapshot "
              + dataset.snapshotId()
              + " has images of "
              + present.size()
              + " class(es) only: add labeled images of at least 2 classes");
    }
  }

  private static void checkSplit(
      TrainingDataset dataset, DatasetSplit split, TrainingHyperparameters settingsOfRun)
      throws InvalidTrainingDataException {
    if (split.training().isEmpty() || split.validation().isEmpty()) {
      throw new InvalidTrainingDataException(
          "Snapshot "
              + dataset.snapshotId()
              + " with "
              + dataset.images().size()
              + " images gives "
              + split.training().size()
              + " training and "
              + split.validation().size()
              + " validation images at validationFraction "
              + settingsOfRun.validationFraction()
              + ": add images so that both sets are non-empty");
    }
  }

  private ConfigProto sessionConfig() {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(settings.intraOpThreads())
        .setInterOpParallelismThreads(settings.interOpThreads())
        .build();
  }

  /** The state of one call to {@link #train}: its inputs and the epochs trained so far. */
  private final class RunState {

    final String snapshotId;
    final MobileNetV2Architecture architecture;
    final TrainingHyperparameters hyperparameters;
    final List<LabeledImage> examples;
    final int trainingCount;
    final TrainingListener listener;
    final CancellationCheck cancellation;
    final List<EpochMetrics> history = new ArrayList<>();
    final int lastEpoch;

    RunState(
        String snapshotId,
        MobileNetV2Architecture architecture,
        TrainingHyperparameters hyperparameters,
        List<LabeledImage> examples,
        int trainingCount,
        TrainingListener listener,
        CancellationCheck cancellation) {
      this.snapshotId = snapshotId;
      this.architecture = architecture;
      this.hyperparameters = hyperparameters;
      this.examples = examples;
      this.trainingCount = trainingCount;
      this.listener = listener;
      this.cancellation = cancellation;
      this.lastEpoch = hyperparameters.phase1Epochs() + hyperparameters.phase2Epochs();
    }

    /** Trains one phase and returns the variable values after it; no epochs changes nothing. */
    Map<String, TensorValue> trainPhase(
        int phase,
        int firstEpoch,
        int epochs,
        int cut,
        double learningRate,
        Map<String, TensorValue> values)
        throws InvalidTrainingDataException, TrainingCancelledException {
      if (epochs == 0) {
        return values;
      }
      listener.onPhaseStarted(phase, firstEpoch, firstEpoch + epochs - 1);
      LOG.infof(
          "Phase %d of snapshot %s: epochs %d to %d, Adam learning rate %s, layers from %d (%s)"
              + " train, activation cache %s",
          phase,
          snapshotId,
          firstEpoch,
          firstEpoch + epochs - 1,
          learningRate,
          cut,
          architecture.layers().get(cut).name(),
          settings.activationCacheEnabled() ? "on" : "off");

      try (PhaseGraph graph =
          new PhaseGraph(architecture, cut, (float) learningRate, sessionConfig())) {
        graph.variables.assign(graph.session, values);
        try (BatchInputs inputs = createInputs(graph)) {
          PhaseRunner runner =
              new PhaseRunner(
                  graph,
                  inputs,
                  examples,
                  trainingCount,
                  hyperparameters.batchSize(),
                  new EpochShuffler(hyperparameters.seed(), hyperparameters.shuffleBuffer()),
                  listener,
                  cancellation,
                  snapshotId);
          for (int epoch = firstEpoch; epoch < firstEpoch + epochs; epoch++) {
            history.add(runner.runEpoch(phase, epoch, lastEpoch));
          }
        }
        return graph.variables.read(graph.session);
      }
    }

    private BatchInputs createInputs(PhaseGraph graph)
        throws InvalidTrainingDataException, TrainingCancelledException {
      if (!settings.activationCacheEnabled()) {
        return new BatchInputs.Decoded(graph, examples);
      }
      long started = System.nanoTime();
      ActivationCache cache =
          new ActivationCache(
              examples.size(),
              graph.boundarySizes(),
              settings.activationCacheMemoryBytes(),
              settings.spillDirectory());
      BatchInputs inputs =
          BatchInputs.fill(graph, examples, cache, hyperparameters.batchSize(), cancellation);
      double seconds = (System.nanoTime() - started) / 1e9;
      List<String> boundaryNames =
          graph.boundaryLayers.stream().map(i -> architecture.layers().get(i).name()).toList();
      LOG.infof(
          "Cached the activations of %d images at %s for snapshot %s in %.1f s (%.0f images/s):"
              + " %d MB in memory, %d MB spilled to %s",
          examples.size(),
          boundaryNames,
          snapshotId,
          seconds,
          examples.size() / seconds,
          cache.memoryBytes() / (1 << 20),
          cache.spilledBytes(examples.size()) / (1 << 20),
          settings.spillDirectory());
      return inputs;
    }
  }
}
