package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.tools.fashion.LabelTask;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainJobCommandTest {

  private static MainJobSettings parse(String... args) {
    MainJobCommand command = new MainJobCommand();
    new CommandLine(command)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOverwrittenOptionsAllowed(true)
        .parseArgs(args);
    return command.toSettings();
  }

  @Test
  void defaultsAreTheQuickBinaryRun() {
    MainJobSettings settings = parse();

    assertThat(settings.task()).isEqualTo(LabelTask.HAS_FOOTWEAR);
    assertThat(settings.firstBatchImages()).isEqualTo(3000);
    assertThat(settings.secondBatchImages()).isEqualTo(1000);
    assertThat(settings.testImages()).isEqualTo(10_000);
    assertThat(settings.datasetName()).startsWith("fashion-has-footwear-");
    TrainingHyperparameters hyperparameters = settings.hyperparameters();
    assertThat(hyperparameters.alpha()).isEqualTo(0.35);
    assertThat(hyperparameters.imageSize()).isEqualTo(48);
    assertThat(hyperparameters.batchSize()).isEqualTo(16);
    assertThat(hyperparameters.phase1Epochs()).isEqualTo(8);
    assertThat(hyperparameters.phase2Epochs()).isEqualTo(2);
    assertThat(settings.infrastructure()).isEqualTo(MainJobSettings.Infrastructure.localStack());
    assertThat(settings.ports()).isEqualTo(MainJobSettings.ServicePorts.defaults());
    assertThat(settings.detachServices()).isTrue();
  }

  @Test
  void fullDatasetAndRecipeFlags() {
    MainJobSettings settings = parse("--full-dataset", "--full-recipe", "--task", "ten_class");

    assertThat(settings.firstBatchImages() + settings.secondBatchImages()).isEqualTo(60_000);
    assertThat(settings.hyperparameters()).isEqualTo(TrainingHyperparameters.recipeDefaults());
    assertThat(settings.datasetName()).startsWith("fashion-label-");
  }

  @Test
  void laterArgumentsWin() {
    MainJobSettings settings = parse("--kafka", "127.0.0.1:9092", "--kafka", "127.0.0.1:29092");

    assertThat(settings.infrastructure().kafkaBootstrapServers()).isEqualTo("127.0.0.1:29092");
  }
}
