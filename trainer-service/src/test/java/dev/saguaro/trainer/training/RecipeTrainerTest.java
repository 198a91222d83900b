package dev.saguaro.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import dev.saguaro.trainer.model.Layer;
import dev.saguaro.trainer.model.MobileNetV2Architecture;
import dev.saguaro.trainer.model.TensorValue;
import dev.saguaro.trainer.model.VariableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeTrainerTest {

  private static final TrainingDataset BINARY = TestDatasets.generate(24, 2, 32, 1);

  @TempDir Path temp;

  @Test
  void phase1KeepsBackboneBitIdenticalAndTrainsHead() throws Exception {
    TrainingHyperparameters phase1Only = withPhase2Epochs(TestDatasets.tinyRecipe(), 0);
    MobileNetV2Architecture architecture = MobileNetV2Architecture.create(0.35, 48, 2);
    Map<String, TensorValue> initial =
        InitialWeights.resolve(new WeightSource.Random(), architecture, phase1Only.seed());

    Map<String, TensorValue> trained = train(true, BINARY, phase1Only).weights;

    for (VariableSpec spec : architecture.variables()) {
      boolean head = spec.name().startsWith("head_dense.");
      boolean same =
          Arrays.equals(initial.get(spec.name()).values(), trained.get(spec.name()).values());
      assertThat(same).as("%s unchanged", spec.name()).isEqualTo(!head);
    }
  }

  @Test
  void phase2KeepsFrozenLayersBitIdentical() throws Exception {
    TrainingHyperparameters recipe = TestDatasets.tinyRecipe();
    MobileNetV2Architecture architecture = MobileNetV2Architecture.create(0.35, 48, 2);
    Map<String, TensorValue> initial =
        InitialWeights.resolve(new WeightSource.Random(), architecture, recipe.seed());

    Map<String, TensorValue> trained = train(true, BINARY, recipe).weights;

    for (Layer layer : architecture.layers()) {
      for (VariableSpec spec : layer.variables()) {
        boolean same =
            Arrays.equals(initial.get(spec.name()).values(), trained.get(spec.name()).values());
        if (layer.index() < recipe.fineTuneAt()) {
          assertThat(same).as("frozen %s unchanged", spec.name()).isTrue();
        } else {
          assertThat(same).as("trained %s changed", spec.name()).isFalse();
        }
      }
    }
  }

  @Test
  void activationCacheMatchesRecomputing() throws Exception {
    Run cached = train(true, BINARY, quietRecipe());
    Run recomputed = train(false, BINARY, quietRecipe());

    assertCloseWeights(cached.weights, recomputed.weights);
    assertSameMetrics(cached.history, recomputed.history, 1e-3);
  }

  @Test
  void activationCacheSpilledToDiskMatchesMemory() throws Exception {
    Run inMemory = train(true, BINARY, quietRecipe());
    // A budget of 26,400 bytes keeps 5 pooled-feature records (5,120 bytes each) and 3 records
    // at the layer-100 cut (8,064 bytes each) in memory and spills the rest.
    Run spilled = train(new TrainerSettings(1, 1, true, 26_400, temp), BINARY, quietRecipe());

    assertCloseWeights(inMemory.weights, spilled.weights);
    assertSameMetrics(inMemory.history, spilled.history, 1e-3);
  }

  @Test
  void sameSeedGivesSameRun() throws Exception {
    Run first = train(true, BINARY, quietRecipe());
    Run second = train(true, BINARY, quietRecipe());

    assertCloseWeights(first.weights, second.weights);
    assertSameMetrics(first.history, second.history, 1e-3);
  }

  @Test
  void epochsContinueAcrossPhasesAndReachListener() throws Exception {
    TestDatasets.RecordingListener listener = new TestDatasets.RecordingListener();
    TrainingHyperparameters recipe = withTwoEpochsEach(TestDatasets.tinyRecipe());

    try (TrainedModel model =
        trainer(true).train(BINARY, recipe, new WeightSource.Random(), listener, () -> false)) {
      assertThat(listener.phases).containsExactly("1:1-2", "2:3-4");
      assertThat(listener.epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4);
      assertThat(listener.epochs).extracting(EpochMetrics::phase).containsExactly(1, 1, 2, 2);
      // 18 training images in batches of 6: 3 batches per epoch.
      assertThat(listener.batches).isEqualTo(12);
      assertThat(model.history()).isEqualTo(listener.epochs);
      EpochMetrics last = listener.epochs.get(3);
      assertThat(last.validationAuc()).isBetween(0.0, 1.0);
      assertThat(last.validationAccuracy()).isBetween(0.0, 1.0);
      assertThat(last.imagesPerSecond()).isPositive();
      assertThat(last.durationSeconds()).isPositive();
    }
  }

  @Test
  void randomWeightsTrainWholeNetworkWhenAsked() throws Exception {
    TrainingHyperparameters recipe =
        new TrainingHyperparameters(
                null, null, null, null, null, null, null, null, 0, null, null, null, true)
            .applyTo(TestDatasets.tinyRecipe());
    MobileNetV2Architecture architecture = MobileNetV2Architecture.create(0.35, 48, 2);
    Map<String, TensorValue> initial =
        InitialWeights.resolve(new WeightSource.Random(), architecture, recipe.seed());

    Map<String, TensorValue> trained = train(true, BINARY, recipe).weights;

    assertThat(trained.get("Conv1.kernel").values())
        .isNotEqualTo(initial.get("Conv1.kernel").values());
    assertThat(trained.get("bn_Conv1.moving_mean").values())
        .isNotEqualTo(initial.get("bn_Conv1.moving_mean").values());
  }

  @Test
  void cancellationStopsAtNextBatch() {
    AtomicInteger completedBatches = new AtomicInteger();
    TrainingListener listener =
        new TestDatasets.RecordingListener() {
          @Override
          public void onBatchCompleted(
              int phase, int epoch, int batch, int completedBatchesInEpoch) {
            completedBatches.incrementAndGet();
          }
        };

    assertThatThrownBy(
            () ->
                trainer(true)
                    .train(
                        BINARY,
                        TestDatasets.tinyRecipe(),
                        new WeightSource.Random(),
                        listener,
                        () -> completedBatches.get() >= 2))
        .isInstanceOf(TrainingCancelledException.class)
        .hasMessageContaining("phase 1 epoch 1 batch 3");
    assertThat(completedBatches.get()).isEqualTo(2);
  }

  @Test
  void singleClassIsRejected() {
    TrainingDataset oneClass =
        new TrainingDataset("snapshot-one", List.of("cactus"), BINARY.images().subList(0, 1));

    assertThatThrownBy(() -> trainQuietly(oneClass))
        .isInstanceOf(InvalidTrainingDataException.class)
        .hasMessageContaining("at least 2 classes");
  }

  @Test
  void imagesOfOneClassOnlyAreRejected() {
    List<LabeledImage> zeros =
        BINARY.images().stream().filter(image -> image.classIndex() == 0).toList();
    TrainingDataset oneLabel = new TrainingDataset("snapshot-zeros", List.of("0", "1"), zeros);

    assertThatThrownBy(() -> trainQuietly(oneLabel))
        .isInstanceOf(InvalidTrainingDataException.class)
        .hasMessageContaining("1 class(es) only");
  }

  @Test
  void emptyValidationSplitIsRejected() {
    TrainingDataset twoImages =
        new TrainingDataset("snapshot-two", List.of("0", "1"), BINARY.images().subList(0, 2));
    TrainingHyperparameters tenPercent =
        new TrainingHyperparameters(
                null, null, null, 0.1, null, null, null, null, null, null, null, null, null)
            .applyTo(TestDatasets.tinyRecipe());

    assertThatThrownBy(
            () ->
                trainer(true)
                    .train(
                        twoImages,
                        tenPercent,
                        new WeightSource.Random(),
                        new TestDatasets.RecordingListener(),
                        () -> false)
                    .close())
        .isInstanceOf(InvalidTrainingDataException.class)
        .hasMessageContaining("0 validation images");
  }

  @Test
  void undecodableImageIsNamed() {
    List<LabeledImage> images = new ArrayList<>(BINARY.images());
    images.set(5, new LabeledImage("broken-17", new byte[] {1, 2, 3, 4}, 1));
    TrainingDataset broken = new TrainingDataset("snapshot-broken", List.of("0", "1"), images);

    assertThatThrownBy(() -> trainQuietly(broken))
        .isInstanceOf(InvalidTrainingDataException.class)
        .hasMessageContaining("broken-17")
        .hasMessageContaining("cannot be decoded");
  }

  @Test
  void undecodableImageIsNamedWithoutCache() {
    List<LabeledImage> images = new ArrayList<>(BINARY.images());
    images.set(5, new LabeledImage("broken-18", "not an image".getBytes(), 1));
    TrainingDataset broken = new TrainingDataset("snapshot-broken", List.of("0", "1"), images);

    assertThatThrownBy(
            () ->
                trainer(false)
                    .train(
                        broken,
                        TestDatasets.tinyRecipe(),
                        new WeightSource.Random(),
                        new TestDatasets.RecordingListener(),
                        () -> false)
                    .close())
        .isInstanceOf(InvalidTrainingDataException.class)
        .hasMessageContaining("broken-18");
  }

  private void trainQuietly(TrainingDataset dataset) throws Exception {
    trainer(true)
        .train(
            dataset,
            TestDatasets.tinyRecipe(),
            new WeightSource.Random(),
            new TestDatasets.RecordingListener(),
            () -> false)
        .close();
  }

  private RecipeTrainer trainer(boolean cache) {
    return new RecipeTrainer(TestDatasets.settings(cache, 1L << 30, temp));
  }

  private record Run(Map<String, TensorValue> weights, List<EpochMetrics> history) {}

  private Run train(boolean cache, TrainingDataset dataset, TrainingHyperparameters recipe)
      throws Exception {
    return train(TestDatasets.settings(cache, 1L << 30, temp), dataset, recipe);
  }

  private static Run train(
      TrainerSettings settings, TrainingDataset dataset, TrainingHyperparameters recipe)
      throws Exception {
    try (TrainedModel model =
        new RecipeTrainer(settings)
            .train(
                dataset,
                recipe,
                new WeightSource.Random(),
                new TestDatasets.RecordingListener(),
                () -> false)) {
      return new Run(model.weights(), model.history());
    }
  }

  private static TrainingHyperparameters withPhase2Epochs(
      TrainingHyperparameters recipe, int epochs) {
    return new TrainingHyperparameters(
            null, null, null, null, null, null, null, null, epochs, null, null, null, null)
        .applyTo(recipe);
  }

  private static TrainingHyperparameters withTwoEpochsEach(TrainingHyperparameters recipe) {
    return new TrainingHyperparameters(
            null, null, null, null, null, null, 2, null, 2, null, null, null, null)
        .applyTo(recipe);
  }

  /**
   * Returns the tiny recipe with two epochs per phase and learning rates of 1e-7. NOTE: identical
   * runs have differed by about 1e-6 in some gradients, even on one intra-op thread (cause not
   * known). Adam moves every weight by about the learning rate per step whatever the gradient's
   * size, so at a real learning rate that noise flips some steps and the runs drift apart by up to
   * a few learning rates. A learning rate of 1e-7 keeps that drift far below the tolerances, while
   * the losses still expose any difference in what the network computes. The head's large logits
   * carry the noise into the loss at about 4e-5 relative, so losses are compared within 1e-3.
   */
  private static TrainingHyperparameters quietRecipe() {
    return new TrainingHyperparameters(
            null, null, null, null, null, null, 2, 1e-7, 2, 1e-7, null, null, null)
        .applyTo(TestDatasets.tinyRecipe());
  }

  /** Asserts equal weights within 1e-5, relative to the value for values above 1. */
  private static void assertCloseWeights(
      Map<String, TensorValue> expected, Map<String, TensorValue> actual) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (String name : expected.keySet()) {
      float[] e = expected.get(name).values();
      float[] a = actual.get(name).values();
      for (int i = 0; i < e.length; i++) {
        float tolerance = 1e-5f * Math.max(1f, Math.abs(e[i]));
        assertThat(a[i]).as("%s[%d]", name, i).isCloseTo(e[i], within(tolerance));
      }
    }
  }

  private static void assertSameMetrics(
      List<EpochMetrics> expected, List<EpochMetrics> actual, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      EpochMetrics e = expected.get(i);
      EpochMetrics a = actual.get(i);
      assertThat(a.trainLoss())
          .as("epoch %d trainLoss", i + 1)
          .isCloseTo(e.trainLoss(), within(tolerance));
      assertThat(a.trainAccuracy())
          .as("epoch %d trainAccuracy", i + 1)
          .isCloseTo(e.trainAccuracy(), within(tolerance));
      assertThat(a.validationLoss())
          .as("epoch %d validationLoss", i + 1)
          .isCloseTo(e.validationLoss(), within(tolerance));
      assertThat(a.validationAccuracy())
          .as("epoch %d validationAccuracy", i + 1)
          .isCloseTo(e.validationAccuracy(), within(tolerance));
    }
  }
}
