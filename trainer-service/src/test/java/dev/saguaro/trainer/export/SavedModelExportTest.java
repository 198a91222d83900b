package dev.saguaro.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.trainer.data.LabeledImage;
import dev.saguaro.trainer.data.TrainingDataset;
import dev.saguaro.trainer.training.RecipeTrainer;
import dev.saguaro.trainer.training.TestDatasets;
import dev.saguaro.trainer.training.TrainedModel;
import dev.saguaro.trainer.training.WeightSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

class SavedModelExportTest {

  @TempDir Path temp;

  @Test
  void reloadedBinaryModelPredictsAsTrainer() throws Exception {
    TrainingDataset dataset = TestDatasets.generate(24, 2, 32, 3);
    List<byte[]> images = encodedImages(TestDatasets.generate(6, 2, 40, 9));
    Path directory = temp.resolve("binary-model");

    float[][] expected;
    try (TrainedModel model = train(dataset, TestDatasets.tinyRecipe())) {
      expected = model.predict(images);
      model.exportSavedModel(directory, metadata(model, TestDatasets.tinyRecipe()));
    }

    try (SavedModelBundle bundle = SavedModelBundle.load(directory.toString(), "serve")) {
      for (int i = 0; i < images.size(); i++) {
        float[] actual = callServingDefault(bundle, images.get(i), 2);
        assertThat(actual).as("image %d", i).containsExactly(expected[i], within(1e-6f));
        assertThat(actual[0] + actual[1]).isCloseTo(1f, within(1e-6f));
      }
    }
  }

  @Test
  void exportHasSignaturesMetadataAndNoOptimizerState() throws Exception {
    TrainingDataset dataset = TestDatasets.generate(24, 2, 32, 3);
    Path directory = temp.resolve("model");
    try (TrainedModel model = train(dataset, TestDatasets.tinyRecipe())) {
      model.exportSavedModel(directory, metadata(model, TestDatasets.tinyRecipe()));
    }

    ModelMetadata metadata =
        ContractCodec.decode(
            Files.readString(directory.resolve(ModelSignatures.METADATA_ENTRY)),
            ModelMetadata.class);
    assertThat(metadata.classNames()).containsExactly("0", "1");
    assertThat(metadata.imageSize()).isEqualTo(48);
    assertThat(directory.resolve("saved_model.pb")).isRegularFile();

    try (SavedModelBundle bundle = SavedModelBundle.load(directory.toString(), "serve")) {
      assertThat(bundle.signatures())
          .extracting(signature -> signature.key())
          .contains(
              ModelSignatures.SERVING_DEFAULT,
              ModelSignatures.PREPROCESS,
              ModelSignatures.CLASSIFY);
      Iterator<GraphOperation> operations = bundle.graph().operations();
      while (operations.hasNext()) {
        GraphOperation operation = operations.next();
        assertThat(operation.name()).doesNotContainIgnoringCase("adam");
        assertThat(operation.name()).doesNotContain("update_moving");
      }

      byte[] image = dataset.images().get(0).encodedImage();
      try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(image));
          Result preprocessed =
              bundle
                  .function(ModelSignatures.PREPROCESS)
                  .call(Map.of(ModelSignatures.INPUT_IMAGE_BYTES, input))) {
        TFloat32 pixels = (TFloat32) preprocessed.get(ModelSignatures.IMAGES).orElseThrow();
        assertThat(pixels.shape().asArray()).containsExactly(1, 48, 48, 3);
        float[] values = new float[48 * 48 * 3];
        pixels.copyTo(DataBuffers.of(values, false, false));
        for (float value : values) {
          assertThat(value).isBetween(-1f, 1f);
        }

        try (Result classified =
            bundle
                .function(ModelSignatures.CLASSIFY)
                .call(Map.of(ModelSignatures.IMAGES, pixels))) {
          TFloat32 probabilities =
              (TFloat32) classified.get(ModelSignatures.OUTPUT_PROBABILITIES).orElseThrow();
          float[] row = new float[2];
          probabilities.copyTo(DataBuffers.of(row, false, false));
          assertThat(row).containsExactly(callServingDefault(bundle, image, 2), within(1e-6f));
        }
      }
    }
  }

  @Test
  void multiClassModelUsesSoftmax() throws Exception {
    TrainingDataset dataset = TestDatasets.generate(30, 3, 32, 4);
    List<byte[]> images = encodedImages(TestDatasets.generate(6, 3, 32, 8));
    Path directory = temp.resolve("three-classes");

    float[][] expected;
    try (TrainedModel model = train(dataset, TestDatasets.tinyRecipe())) {
      assertThat(model.classNames()).containsExactly("0", "1", "2");
      assertThat(model.history().get(0).validationAuc()).isNull();
      expected = model.predict(images);
      model.exportSavedModel(directory, metadata(model, TestDatasets.tinyRecipe()));
    }

    try (SavedModelBundle bundle = SavedModelBundle.load(directory.toString(), "serve")) {
      for (int i = 0; i < images.size(); i++) {
        assertThat(expected[i]).hasSize(3);
        assertThat(expected[i][0] + expected[i][1] + expected[i][2]).isCloseTo(1f, within(1e-5f));
        assertThat(callServingDefault(bundle, images.get(i), 3))
            .containsExactly(expected[i], within(1e-6f));
      }
    }
  }

  @Test
  void servedModelWeightsSeedTheNextRun() throws Exception {
    TrainingDataset dataset = TestDatasets.generate(24, 2, 32, 3);
    Path directory = temp.resolve("served");
    TrainingHyperparameters noEpochs =
        new TrainingHyperparameters(
                null, null, null, null, null, null, 0, null, 0, null, null, null, null)
            .applyTo(TestDatasets.tinyRecipe());
    List<byte[]> images = encodedImages(dataset);

    float[][] served;
    try (TrainedModel model = train(dataset, TestDatasets.tinyRecipe())) {
      served = model.predict(images);
      model.exportSavedModel(directory, metadata(model, TestDatasets.tinyRecipe()));
    }

    try (TrainedModel continued =
        new RecipeTrainer(TestDatasets.settings(true, 1L << 30, temp))
            .train(
                dataset,
                noEpochs,
                new WeightSource.ServedModel(directory),
                new TestDatasets.RecordingListener(),
                () -> false)) {
      float[][] predicted = continued.predict(images);
      for (int i = 0; i < images.size(); i++) {
        assertThat(predicted[i]).containsExactly(served[i], within(1e-6f));
      }
    }
  }

  private TrainedModel train(TrainingDataset dataset, TrainingHyperparameters recipe)
      throws Exception {
    return new RecipeTrainer(TestDatasets.settings(true, 1L << 30, temp))
        .train(
            dataset,
            recipe,
            new WeightSource.Random(),
            new TestDatasets.RecordingListener(),
            () -> false);
  }

  private static float[] callServingDefault(SavedModelBundle bundle, byte[] image, int classes) {
    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(image));
        Result result =
            bundle
                .function(ModelSignatures.SERVING_DEFAULT)
                .call(Map.of(ModelSignatures.INPUT_IMAGE_BYTES, input))) {
      TFloat32 probabilities =
          (TFloat32) result.get(ModelSignatures.OUTPUT_PROBABILITIES).orElseThrow();
      assertThat(probabilities.shape().asArray()).containsExactly(1, classes);
      float[] row = new float[classes];
      probabilities.copyTo(DataBuffers.of(row, false, false));
      return row;
    }
  }

  private static List<byte[]> encodedImages(TrainingDataset dataset) {
    return dataset.images().stream().map(LabeledImage::encodedImage).toList();
  }

  private static ModelMetadata metadata(TrainedModel model, TrainingHyperparameters recipe) {
    return new ModelMetadata(
        SchemaVersion.CURRENT,
        "default",
        1,
        model.classNames(),
        model.imageSize(),
        recipe,
        "run-1",
        "snapshot-test",
        model.history().get(model.history().size() - 1),
        Instant.parse("2026-01-01T00:00:00Z"));
  }
}
