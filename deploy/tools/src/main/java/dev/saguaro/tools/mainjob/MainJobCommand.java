package dev.saguaro.tools.mainjob;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.WeightInitialization;
import dev.saguaro.tools.fashion.LabelTask;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of {@link MainJob}; {@code deploy/run-main-job.sh} runs it. */
@Command(
    name = "run-main-job",
    sortOptions = false,
    description = {
      "Starts the ingest, trainer and inference services against a running Kafka and PostgreSQL,"
          + " uploads a batch of Fashion-MNIST, lets automatic retraining train a model, scores"
          + " held-out test images, then uploads a second batch and shows the inference service"
          + " switching to the new version under continuous prediction traffic.",
      ""
    })
public final class MainJobCommand implements Callable<Integer> {

  // The job has no release version to print, so it offers help only.
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  boolean helpRequested;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      defaultValue = "has_footwear",
      description =
          "${COMPLETION-CANDIDATES}: binary footwear task (sandal, sneaker, ankle boot) or all ten"
              + " classes. Default: ${DEFAULT-VALUE}.")
  LabelTask task;

  @Option(
      names = "--images",
      paramLabel = "N",
      defaultValue = "3000",
      description = "Training images of the first batch (default: ${DEFAULT-VALUE}).")
  int firstBatchImages;

  @Option(
      names = "--second-images",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Training images of the second batch, taken after the first in the same order"
              + " (default: ${DEFAULT-VALUE}).")
  int secondBatchImages;

  @Option(
      names = "--full-dataset",
      description =
          "Upload all 60,000 training images: 50,000 in the first batch, 10,000 in the second.")
  boolean fullDataset;

  @Option(
      names = "--test-images",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Held-out images of the t10k split to score after each run (default: ${DEFAULT-VALUE}).")
  int testImages;

  @Option(
      names = "--full-recipe",
      description =
          "Train with the reference recipe's settings: alpha 1.0, 96x96, batch 32, 30 epochs at"
              + " 1e-4 then 30 at 1e-5 from layer 100. Without it, the quick settings below apply.")
  boolean fullRecipe;

  @Option(
      names = "--alpha",
      paramLabel = "ALPHA",
      defaultValue = "0.35",
      description = "MobileNetV2 width multiplier (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--image-size",
      paramLabel = "PIXELS",
      defaultValue = "48",
      description = "Side of the network input in pixels (default: ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(
      names = "--phase1-epochs",
      paramLabel = "N",
      defaultValue = "8",
      description = "Epochs of phase 1 (default: ${DEFAULT-VALUE}).")
  int phase1Epochs;

  @Option(
      names = "--phase2-epochs",
      paramLabel = "N",
      defaultValue = "2",
      description = "Epochs of phase 2, fine-tuning (default: ${DEFAULT-VALUE}).")
  int phase2Epochs;

  @Option(
      names = "--phase1-learning-rate",
      paramLabel = "RATE",
      defaultValue = "1e-3",
      description = "Adam learning rate of phase 1 (default: ${DEFAULT-VALUE}).")
  double phase1LearningRate;

  @Option(
      names = "--phase2-learning-rate",
      paramLabel = "RATE",
      defaultValue = "1e-4",
      description = "Adam learning rate of phase 2 (default: ${DEFAULT-VALUE}).")
  double phase2LearningRate;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "16",
      description = "Images per training step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description =
          "Dataset and model name at the ingest service (default: fashion-has-footwear-<date-time>"
              + " or fashion-label-<date-time>, new on every run, so that the images of a second"
              + " run are not duplicates).")
  String datasetName;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "deploy/.stack",
      description =
          "Directory for service logs, pid files, service data and converted batches (default:"
              + " ${DEFAULT-VALUE}, the local stack's directory).")
  Path stateDirectory;

  @Option(
      names = "--repository",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Repository root with the built services (default: the current directory).")
  Path repositoryRoot;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description = "Folder of the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE}).")
  Path sourceDirectory;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String kafkaBootstrapServers;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      defaultValue = "jdbc:postgresql://127.0.0.1:15432/saguaro",
      description = "The ingest service's database (default: ${DEFAULT-VALUE}).")
  String jdbcUrl;

  @Option(
      names = "--jdbc-username",
      paramLabel = "USER",
      defaultValue = "saguaro",
      description = "Default: ${DEFAULT-VALUE}.")
  String jdbcUsername;

  @Option(
      names = "--jdbc-password",
      paramLabel = "PASSWORD",
      defaultValue = "saguaro",
      description = "Default: ${DEFAULT-VALUE}.")
  String jdbcPassword;

  @Option(
      names = "--ingest-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description = "Default: ${DEFAULT-VALUE}.")
  int ingestPort;

  @Option(
      names = "--trainer-port",
      paramLabel = "PORT",
      defaultValue = "8082",
      description = "Default: ${DEFAULT-VALUE}.")
  int trainerPort;

  @Option(
      names = "--inference-port",
      paramLabel = "PORT",
      defaultValue = "8083",
      description = "Default: ${DEFAULT-VALUE}.")
  int inferencePort;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "local-dev-key",
      description = "Write key of the ingest service (default: ${DEFAULT-VALUE}).")
  String apiKey;

  @Option(
      names = "--trainer-heap",
      paramLabel = "SIZE",
      defaultValue = "3g",
      description =
          "Maximum heap of the trainer JVM; half of it caches frozen-layer activations"
              + " (default: ${DEFAULT-VALUE}).")
  String trainerHeap;

  @Option(
      names = "--run-timeout-minutes",
      paramLabel = "MINUTES",
      defaultValue = "60",
      description = "Maximum wait for one training run, in minutes (default: ${DEFAULT-VALUE}).")
  long runTimeoutMinutes;

  @Option(
      names = "--stop-services",
      description = "Stop the services at the end instead of leaving them running.")
  boolean stopServicesAtEnd;

  @Option(
      names = "--stop",
      description = "Only stop the services that an earlier run started, then exit.")
  boolean stopOnly;

  public static void main(String[] args) {
    // Later values win, so that a wrapper script can pass defaults before the user's arguments.
    CommandLine commandLine =
        new CommandLine(new MainJobCommand())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setOverwrittenOptionsAllowed(true);
    System.exit(commandLine.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    MainJobSettings settings = toSettings();
    JobConsole console = new JobConsole(System.out);
    MainJob job = new MainJob(settings, console);
    if (stopOnly) {
      job.stopServices();
      return 0;
    }
    try {
      job.run();
    } catch (IllegalStateException | HttpCallException e) {
      console.line("FAILED: %s", e.getMessage());
      console.line("service logs: %s", settings.stateDirectory().resolve("logs"));
      return 1;
    } finally {
      if (stopServicesAtEnd) {
        job.stopServices();
      }
    }
    if (!stopServicesAtEnd) {
      console.line("stop       deploy/run-main-job.sh --stop  (services and the local stack)");
    }
    return 0;
  }

  MainJobSettings toSettings() {
    int first = fullDataset ? 50_000 : firstBatchImages;
    int second = fullDataset ? 10_000 : secondBatchImages;
    String name =
        datasetName != null
            ? datasetName
            : "fashion-"
                + task.columnName().replace('_', '-')
                + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return new MainJobSettings(
        repositoryRoot.toAbsolutePath().normalize(),
        stateDirectory.toAbsolutePath().normalize(),
        sourceDirectory,
        task,
        name,
        first,
        second,
        testImages,
        hyperparameters(),
        new MainJobSettings.Infrastructure(
            kafkaBootstrapServers, jdbcUrl, jdbcUsername, jdbcPassword),
        new MainJobSettings.ServicePorts(ingestPort, trainerPort, inferencePort),
        apiKey,
        trainerHeap,
        Duration.ofMinutes(runTimeoutMinutes),
        !stopServicesAtEnd);
  }

  TrainingHyperparameters hyperparameters() {
    if (fullRecipe) {
      return TrainingHyperparameters.recipeDefaults();
    }
    return new TrainingHyperparameters(
        alpha,
        imageSize,
        batchSize,
        null,
        null,
        null,
        phase1Epochs,
        phase1LearningRate,
        phase2Epochs,
        phase2LearningRate,
        null,
        WeightInitialization.AUTO,
        null);
  }
}
