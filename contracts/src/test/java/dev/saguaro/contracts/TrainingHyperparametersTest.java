package dev.saguaro.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingHyperparametersTest {

  @Test
  void defaultsAreTheReferenceRecipe() {
    TrainingHyperparameters recipe = TrainingHyperparameters.none().withDefaults();

    assertThat(recipe.alpha()).isEqualTo(1.0);
    assertThat(recipe.imageSize()).isEqualTo(96);
    assertThat(recipe.batchSize()).isEqualTo(32);
    assertThat(recipe.phase1Epochs()).isEqualTo(30);
    assertThat(recipe.phase1LearningRate()).isEqualTo(1e-4);
    assertThat(recipe.phase2Epochs()).isEqualTo(30);
    assertThat(recipe.phase2LearningRate()).isEqualTo(1e-5);
    assertThat(recipe.fineTuneAt()).isEqualTo(100);
    assertThat(recipe.seed()).isEqualTo(42L);
    assertThat(recipe.validationFraction()).isEqualTo(0.1);
  }

  @Test
  void overridesWinOverDefaults() {
    TrainingHyperparameters overrides =
        new TrainingHyperparameters(
            0.35, 64, null, null, null, null, 1, null, 1, null, null, null, null);

    TrainingHyperparameters merged = overrides.withDefaults();

    assertThat(merged.alpha()).isEqualTo(0.35);
    assertThat(merged.imageSize()).isEqualTo(64);
    assertThat(merged.phase1Epochs()).isEqualTo(1);
    assertThat(merged.batchSize()).isEqualTo(32);
    assertThat(merged.fineTuneAt()).isEqualTo(100);
  }

  @Test
  void validateNamesEachBadValue() {
    TrainingHyperparameters bad =
        new TrainingHyperparameters(
            0.0, 8, 0, 1.5, null, null, -1, 2.0, null, null, -3, null, null);

    assertThat(bad.validate())
        .hasSize(7)
        .anyMatch(p -> p.contains("alpha 0.0"))
        .anyMatch(p -> p.contains("imageSize 8"))
        .anyMatch(p -> p.contains("fineTuneAt -3"));
    assertThat(TrainingHyperparameters.recipeDefaults().validate()).isEmpty();
  }
}
