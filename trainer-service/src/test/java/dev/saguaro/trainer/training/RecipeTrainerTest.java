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
    TrainingHyperparameters recipe = withTwoEpochsEach(TestDatasets.tinyRecipe());
    Run cached = train(true, BINARY, recipe);
    Run recomputed = train(false, BINARY, recipe);

    assertSameRun(cached, recomputed);
  }

  @Test
  void activationCacheSpilledToDiskMatchesMemory() throws Exception {
    TrainingHyperparameters recipe = withTwoEpochsEach(TestDatasets.tinyRecipe());
    Run inMemory = train(true, BINARY, recipe);
    // A budget of 26,400 bytes keeps 5 pooled-feature records (5,120 bytes each) and 3 records
    // at the layer-100 cut (8,064 bytes each) in memory and spills the rest.
    Run spilled = train(new TrainerSettings(1, 1, true, 26_400, temp), BINARY, recipe);

    assertSameRun(inMemory, spilled);
  }

  @Test
  void sameSeedGivesSameRun() throws Exception {
    TrainingHyperparameters recipe = withTwoEpochsEach(TestDatasets.tinyRecipe());
    Run first = train(true, BINARY, recipe);
    Run second = train(true, BINARY, recipe);

    assertSameRun(first, second);
  }

  @Test
  void sameSeedGivesSameRunWithDefaultThreads() throws Exception {
    TrainingHyperparameters recipe = withTwoEpochsEach(TestDatasets.tinyRecipe());
    TrainerSettings defaultThreads = new TrainerSettings(0, 0, true, 1L << 30, temp);
    Run first = train(defaultThreads, BINARY, recipe);
    Run second = train(defaultThreads, BINARY, recipe);

    assertSameRun(first, second);
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

  /** Asserts bit-identical weights and equal metrics in every epoch. */
  private static void assertSameRun(Run expected, Run actual) {
    assertSameWeights(expected.weights, actual.weights);
    assertSameMetrics(expected.history, actual.history, 0.0);
  }

  /** Asserts bit-identical weights, naming each variable that differs and by how many values. */
  private static void assertSameWeights(
      Map<String, TensorValue> expected, Map<String, TensorValue> actual) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    List<String> differing = new java.util.ArrayList<>();
    for (String name : expected.keySet()) {
      float[] e = expected.get(name).values();
      float[] a = actual.get(name).values();
      int count = 0;
      for (int i = 0; i < e.length; i++) {
        if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])) {
          count++;
        }
      }
      if (count > 0) {
        differing.add(name + " (" + count + " of " + e.length + " values)");
      }
    }
    assertThat(differing).as("variables that differ").isEmpty();
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
