package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.tools.fashion.ConversionSummary;
import dev.saguaro.tools.mainjob.PredictionTraffic.TrafficSummary;
import dev.saguaro.tools.mainjob.PredictionTraffic.VersionSwitch;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The main job. It starts the three services, uploads a batch of Fashion-MNIST through the ingest
 * service's bulk import, lets automatic retraining request a run, follows it and scores held-out
 * images at the inference service. Then it uploads a second batch and keeps prediction traffic
 * going while the second automatic run trains and its version replaces the first.
 *
 * <p>The job never calls the trainer and never creates a run itself: the run must come from the
 * ingest service's automatic trigger, and the new version must reach the inference service through
 * the Kafka announcement.
 */
public final class MainJob {

  private static final Duration SERVICE_START_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration IMPORT_TIMEOUT = Duration.ofMinutes(20);
  private static final Duration TRIGGER_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SERVING_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration TRAFFIC_PAUSE = Duration.ofMillis(50);
  private static final Duration TRAFFIC_AFTER_SWITCH = Duration.ofSeconds(5);

  private final MainJobSettings settings;
  private final JobConsole console;
  private final ServiceLauncher launcher;
  private final IngestApi ingest;
  private final InferenceApi inference;
  private final RunFollower runs;
  private final List<ServiceSpec> services;

  /**
   * Held-out images written as files for the printed prediction command, one per label. Reverse
   * order puts the binary task's label 1 (footwear) first, so the command shows that class.
   */
  private final Map<String, Path> examples = new TreeMap<>(java.util.Comparator.reverseOrder());

  public MainJob(MainJobSettings settings, JobConsole console) {
    this.settings = settings;
    this.console = console;
    Path state = settings.stateDirectory();
    this.launcher =
        new ServiceLauncher(state.resolve("run"), state.resolve("logs"), settings.detachServices());
    this.ingest = new IngestApi(URI.create(ServiceSpecs.ingestUrl(settings)), settings.apiKey());
    this.inference =
        new InferenceApi(URI.create("http://127.0.0.1:" + settings.ports().inference()));
    this.runs = new RunFollower(ingest, console);
    this.services = ServiceSpecs.of(settings);
  }

  /** Returns the launcher, so that a caller can stop the services or read their logs. */
  public ServiceLauncher launcher() {
    return launcher;
  }

  /** Returns the specs of the services in start order. */
  public List<ServiceSpec> services() {
    return services;
  }

  /**
   * Runs every step and returns what it observed; the services stay up unless a caller stops them.
   */
  public MainJobResult run() throws IOException, InterruptedException {
    printSettings();
    startServices();

    FashionMnistData data = new FashionMnistData(settings.fashionMnistDirectory(), settings.task());
    console.heading("Held-out images");
    List<TestImage> testImages = data.loadTestImages(settings.testImages());
    console.line(
        "loaded %d images of the t10k split (never uploaded), majority-class rate %.4f",
        testImages.size(), TestSetEvaluator.majorityRate(testImages));
    writeExamples(testImages);

    console.heading("First batch: upload, automatic run, evaluation");
    JsonNode firstRun = uploadAndTrain(data, 1, 0, settings.firstBatchImages());
    long firstVersion = firstRun.path("modelVersion").asLong();
    awaitServing(firstVersion);
    Evaluation first = evaluate(testImages);

    console.heading("Second batch: new version while predictions keep flowing");
    PredictionTraffic traffic =
        new PredictionTraffic(
            inference,
            settings.datasetName(),
            testImages,
            TRAFFIC_PAUSE,
            1_000_000,
            settings.runTimeout().plus(SERVING_TIMEOUT).plus(Duration.ofMinutes(10)));
    traffic.start();
    console.line(
        "prediction traffic started: one image per request, every %d ms", TRAFFIC_PAUSE.toMillis());
    JsonNode secondRun;
    TrafficSummary summary;
    try {
      secondRun =
          uploadAndTrain(data, 2, settings.firstBatchImages(), settings.secondBatchImages());
      long secondVersion = secondRun.path("modelVersion").asLong();
      awaitServing(secondVersion);
      awaitTrafficOn(traffic, secondVersion);
      Thread.sleep(TRAFFIC_AFTER_SWITCH.toMillis());
    } finally {
      summary = traffic.stop();
    }
    printTraffic(summary);
    Evaluation second = evaluate(testImages);

    MainJobResult result = new MainJobResult(firstRun, first, secondRun, second, summary);
    printSummary(result);
    return result;
  }

  /** Stops the services that this job's pid files name. */
  public void stopServices() {
    for (int i = services.size() - 1; i >= 0; i--) {
      ServiceSpec spec = services.get(i);
      if (launcher.stop(spec.name(), spec.jar())) {
        console.line("stopped the %s service", spec.name());
      }
    }
  }

  private void printSettings() {
    TrainingHyperparameters effective = settings.hyperparameters().withDefaults();
    console.heading("Settings");
    console.line(
        "task %s, dataset/model '%s', batches of %d and %d training images, %d test images",
        settings.task(),
        settings.datasetName(),
        settings.firstBatchImages(),
        settings.secondBatchImages(),
        settings.testImages());
    console.line(
        "automatic runs: MobileNetV2 alpha %s, %dx%d input, batch %d, phase 1 %d epochs at %s,"
            + " phase 2 %d epochs at %s from layer %d, weights %s",
        effective.alpha(),
        effective.imageSize(),
        effective.imageSize(),
        effective.batchSize(),
        effective.phase1Epochs(),
        effective.phase1LearningRate(),
        effective.phase2Epochs(),
        effective.phase2LearningRate(),
        effective.fineTuneAt(),
        effective.initialization());
    if (effective.initialization() == dev.saguaro.contracts.WeightInitialization.AUTO) {
      describeWeightsFile(
          effective.alpha(), effective.imageSize(), effective.trainWholeNetworkWhenRandom());
    }
    console.line(
        "a run starts after %d newly stored images (saguaro.ingest.auto-retrain.min-new-images)",
        ServiceSpecs.triggerThreshold(settings));
  }

  /**
   * Prints whether the trainer will find a Keras ImageNet weights file for this network. A run from
   * random weights reaches lower accuracy, and otherwise only the trainer's log would show it.
   * Reads the trainer's directory setting from the environment, else its default.
   */
  private void describeWeightsFile(double alpha, int imageSize, Boolean wholeNetworkWhenRandom) {
    String configured = System.getenv("SAGUARO_TRAINER_IMAGENET_WEIGHTS_DIRECTORY");
    Path directory =
        configured != null
            ? Path.of(configured)
            : Path.of(System.getProperty("user.home"), ".saguaro", "imagenet-weights");
    // The same name as the trainer's KerasWeightsFile.standardFileName, which this module cannot
    // call because it does not depend on the trainer.
    String file =
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + alpha + "_" + imageSize + "_no_top.h5";
    if (java.nio.file.Files.isRegularFile(directory.resolve(file))) {
      console.line("weights AUTO: %s found, so the backbone starts from ImageNet", file);
    } else {
      console.line(
          "weights AUTO: no %s in %s, so the backbone starts from random weights%s (README,"
              + " section ImageNet weights; SAGUARO_TRAINER_IMAGENET_WEIGHTS_DIRECTORY sets the"
              + " folder)",
          file,
          directory,
          Boolean.FALSE.equals(wholeNetworkWhenRandom)
              ? ""
              : " and phase 1 trains every layer instead of the head only");
    }
  }

  private void startServices() throws IOException, InterruptedException {
    console.heading("Services");
    for (ServiceSpec spec : services) {
      ProcessHandle process = launcher.start(spec);
      console.line(
          "starting %s (pid %d) on 127.0.0.1:%d, log %s",
          spec.name(), process.pid(), spec.port(), launcher.logFile(spec.name()));
    }
    for (ServiceSpec spec : services) {
      ProcessHandle process =
          launcher
              .recordedProcess(spec.name(), spec.jar())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "The "
                              + spec.name()
                              + " service exited at once; see "
                              + launcher.logFile(spec.name())
                              + ":\n"
                              + launcher.logTail(spec.name(), 40)));
      launcher.awaitReady(spec, process, SERVICE_START_TIMEOUT);
      console.line(
          "%s ready at http://127.0.0.1:%d%s", spec.name(), spec.port(), spec.readinessPath());
    }
  }

  /** Uploads one batch, waits for the automatic run it triggers and follows it to its end. */
  private JsonNode uploadAndTrain(FashionMnistData data, int batch, int offset, int count)
      throws IOException, InterruptedException {
    Path zip = settings.stateDirectory().resolve("main-job").resolve("batch-" + batch + ".zip");
    ConversionSummary converted = data.writeTrainingBatch(offset, count, zip);
    console.line(
        "batch %d: converted %d training images from offset %d, labels %s, in %.1f s -> %s",
        batch,
        converted.imageCount(),
        offset,
        converted.countsByLabel(),
        converted.elapsed().toMillis() / 1000.0,
        zip);

    Set<String> knownRuns = runs.knownRunIds(settings.datasetName());
    JsonNode report = importBatch(zip);
    int accepted = report.path("accepted").asInt();
    if (accepted < ServiceSpecs.triggerThreshold(settings)) {
      throw new IllegalStateException(
          "Only "
              + accepted
              + " images of batch "
              + batch
              + " were stored (duplicates "
              + report.path("duplicates").asInt()
              + ", rejected "
              + report.path("rejected").asInt()
              + "), fewer than the "
              + ServiceSpecs.triggerThreshold(settings)
              + " that trigger a run; use a new --dataset or another offset");
    }

    console.line("waiting for the ingest service to request a run by itself ...");
    JsonNode run = runs.awaitNewRun(settings.datasetName(), knownRuns, TRIGGER_TIMEOUT);
    String runId = run.path("id").asText();
    console.line(
        "run %s requested: trigger %s, by %s, snapshot %s",
        runId,
        run.path("trigger").asText(),
        run.path("requestedBy").asText(),
        run.path("snapshotId").asText());
    requireAutomatic(run);
    requireRequestedHyperparameters(run);

    JsonNode finished = runs.followToEnd(runId, settings.runTimeout());
    if (!"SUCCEEDED".equals(finished.path("state").asText())) {
      throw new IllegalStateException(
          "Run "
              + runId
              + " ended "
              + finished.path("state").asText()
              + ": "
              + finished.path("failureReason").asText("no reason given")
              + "; see "
              + launcher.logFile("trainer"));
    }
    printPhaseTimes(finished);
    saveRun(finished, batch);
    return finished;
  }

  /**
   * Writes the first held-out image of up to two labels to {@code main-job/example-<label>.png}, so
   * that the prediction command at the end names a real file.
   */
  private void writeExamples(List<TestImage> testImages) throws IOException {
    Path directory = settings.stateDirectory().resolve("main-job");
    java.nio.file.Files.createDirectories(directory);
    for (TestImage image : testImages) {
      if (examples.size() == 2) {
        break;
      }
      if (!examples.containsKey(image.label())) {
        Path file = directory.resolve("example-" + image.label() + ".png");
        java.nio.file.Files.write(file, image.png());
        examples.put(image.label(), file);
      }
    }
  }

  /** Keeps the run's JSON and its accuracy and loss curves beside the batches. */
  private void saveRun(JsonNode run, int batch) throws IOException {
    Path directory = settings.stateDirectory().resolve("main-job");
    Path json = directory.resolve("run-" + batch + ".json");
    java.nio.file.Files.writeString(
        json, ContractCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(run));
    List<EpochMetrics> history = RunFollower.metricsHistory(run);
    if (history.isEmpty()) {
      return;
    }
    String title = settings.datasetName() + ", version " + run.path("modelVersion").asLong();
    List<Path> pictures =
        TrainingCurvePlot.writeAccuracyAndLoss(title, history, directory, "run-" + batch);
    console.line("saved %s and curves %s", json, pictures);
  }

  private JsonNode importBatch(Path zip) throws InterruptedException {
    JsonNode started =
        ingest.startImport(settings.datasetName(), zip, settings.task().columnName());
    String importId = started.path("id").asText();
    console.line("import %s accepted: %d files", importId, started.path("totalFiles").asInt());
    long deadline = System.nanoTime() + IMPORT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = ingest.getImport(importId);
      String state = status.path("state").asText();
      if (state.equals("COMPLETED")) {
        console.line(
            "import %s completed: %d stored, %d duplicates, %d rejected, %.0f images/s",
            importId,
            status.path("accepted").asInt(),
            status.path("duplicates").asInt(),
            status.path("rejected").asInt(),
            status.path("imagesPerSecond").asDouble());
        return status;
      }
      if (state.equals("FAILED")) {
        throw new IllegalStateException(
            "Import " + importId + " failed: " + status.path("failureReason").asText());
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException(
        "Import " + importId + " did not finish within " + IMPORT_TIMEOUT.toMinutes() + " min");
  }

  private static void requireAutomatic(JsonNode run) {
    String trigger = run.path("trigger").asText();
    if (!trigger.equals("AUTOMATIC")) {
      throw new IllegalStateException(
          "Run "
              + run.path("id").asText()
              + " has trigger "
              + trigger
              + ", not AUTOMATIC: something else requested it; stop other clients of this dataset");
    }
  }

  /**
   * Fails when the ingest service gave the automatic run other settings than the job asked for,
   * which happens when it does not read {@code saguaro.ingest.auto-retrain.hyperparameters.*}.
   */
  private void requireRequestedHyperparameters(JsonNode run) {
    TrainingHyperparameters requested = settings.hyperparameters();
    TrainingHyperparameters actual =
        RunFollower.hyperparameters(run).orElse(TrainingHyperparameters.none());
    TrainingHyperparameters expected = requested.applyTo(actual);
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          "The automatic run "
              + run.path("id").asText()
              + " has hyperparameters "
              + actual
              + " but the job set "
              + requested
              + " through SAGUARO_INGEST_AUTO_RETRAIN_HYPERPARAMETERS_*. This ingest service"
              + " does not read saguaro.ingest.auto-retrain.hyperparameters.*, so automatic runs"
              + " use the full reference recipe. Update the ingest service, or run with"
              + " --full-recipe to accept that.");
    }
  }

  private void printPhaseTimes(JsonNode run) {
    Map<Integer, double[]> byPhase = phaseTimes(RunFollower.metricsHistory(run));
    byPhase.forEach(
        (phase, secondsAndEpochs) ->
            console.line(
                "phase %d: %d epochs in %.1f s",
                phase, (int) secondsAndEpochs[1], secondsAndEpochs[0]));
  }

  /** Returns, per phase, the summed epoch seconds and the epoch count. */
  static Map<Integer, double[]> phaseTimes(List<EpochMetrics> history) {
    Map<Integer, double[]> byPhase = new TreeMap<>();
    for (EpochMetrics epoch : history) {
      double[] totals = byPhase.computeIfAbsent(epoch.phase(), phase -> new double[2]);
      totals[0] += epoch.durationSeconds();
      totals[1] += 1;
    }
    return byPhase;
  }

  private void awaitServing(long version) throws InterruptedException {
    console.line("waiting for the inference service to serve version %d ...", version);
    long started = System.nanoTime();
    long deadline = started + SERVING_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      long serving = inference.getServingVersion(settings.datasetName()).orElse(-1L);
      if (serving == version) {
        console.line(
            "version %d serves at the inference service, %.1f s after the run ended",
            version, (System.nanoTime() - started) / 1e9);
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "The inference service did not serve version "
            + version
            + " within "
            + SERVING_TIMEOUT.toMinutes()
            + " min; see "
            + launcher.logFile("inference"));
  }

  private static void awaitTrafficOn(PredictionTraffic traffic, long version)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (traffic.currentVersion() != version && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  private Evaluation evaluate(List<TestImage> testImages) {
    Evaluation evaluation =
        new TestSetEvaluator(inference, settings.datasetName()).evaluate(testImages);
    console.line(
        "test accuracy %.4f (%d/%d)%s, majority-class rate %.4f; answered by version(s) %s;"
            + " %.0f images/s",
        evaluation.accuracy(),
        evaluation.correct(),
        evaluation.images(),
        evaluation.rocAuc() == null
            ? ""
            : String.format(java.util.Locale.ROOT, ", ROC AUC %.4f", evaluation.rocAuc()),
        evaluation.majorityRate(),
        evaluation.answersByVersion(),
        evaluation.imagesPerSecond());
    return evaluation;
  }

  private void printTraffic(TrafficSummary summary) {
    console.line(
        "prediction traffic: %d requests in %.0f s, %d failed, answers by version %s",
        summary.requests(),
        summary.elapsed().toMillis() / 1000.0,
        summary.failures(),
        summary.answersByVersion());
    for (VersionSwitch change : summary.switches()) {
      console.line(
          "  request %d at %s: answered by version %d (before: %s)",
          change.request(),
          change.at(),
          change.toVersion(),
          change.fromVersion() < 0 ? "none" : Long.toString(change.fromVersion()));
    }
    summary.failureMessages().forEach(message -> console.line("  failed: %s", message));
  }

  private void printSummary(MainJobResult result) {
    console.heading("Summary");
    List<String> lines = new ArrayList<>();
    lines.add(describeRun("first", result.firstRun(), result.firstEvaluation()));
    lines.add(describeRun("second", result.secondRun(), result.secondEvaluation()));
    lines.forEach(line -> console.line("%s", line));
    console.line(
        "switch-over: %d prediction requests, %d failed",
        result.switchTraffic().requests(), result.switchTraffic().failures());

    console.heading("Where things are");
    int ingestPort = settings.ports().ingest();
    int trainerPort = settings.ports().trainer();
    int inferencePort = settings.ports().inference();
    console.line(
        "ingest     http://127.0.0.1:%d/api/v1/datasets  Swagger UI http://127.0.0.1:%d/q/swagger-ui",
        ingestPort, ingestPort);
    console.line(
        "trainer    http://127.0.0.1:%d/api/v1/status  Swagger UI http://127.0.0.1:%d/q/swagger-ui",
        trainerPort, trainerPort);
    String example =
        examples.isEmpty() ? "IMAGE.png" : examples.values().iterator().next().toString();
    console.line(
        "inference  curl -s -w '\\n' -H 'Content-Type: image/png' --data-binary @%s"
            + " http://127.0.0.1:%d/api/v1/models/%s/predictions",
        example, inferencePort, settings.datasetName());
    examples.forEach(
        (label, file) -> console.line("           held-out image with label %s: %s", label, file));
    if (settings.task() == dev.saguaro.tools.fashion.LabelTask.HAS_FOOTWEAR) {
      console.line("           classes: 1 = footwear (sandal, sneaker, ankle boot), 0 = other");
    }
    console.line("           Swagger UI http://127.0.0.1:%d/q/swagger-ui", inferencePort);
    for (int port : new int[] {ingestPort, trainerPort, inferencePort}) {
      console.line(
          "metrics    http://127.0.0.1:%d/q/metrics  health http://127.0.0.1:%d/q/health",
          port, port);
    }
    console.line(
        "runs       curl -s 'http://127.0.0.1:%d/api/v1/runs?modelName=%s'",
        ingestPort, settings.datasetName());
    console.line(
        "logs       %s/{ingest,trainer,inference}.log, pid files in %s",
        settings.stateDirectory().resolve("logs"), settings.stateDirectory().resolve("run"));
  }

  private static String describeRun(String ordinal, JsonNode run, Evaluation evaluation) {
    List<EpochMetrics> history = RunFollower.metricsHistory(run);
    EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
    return String.format(
        java.util.Locale.ROOT,
        "%s run %s: version %d, %d epochs, last val_acc %s; test accuracy %.4f%s on %d images",
        ordinal,
        RunFollower.shortId(run.path("id").asText()),
        run.path("modelVersion").asLong(),
        history.size(),
        last == null
            ? "-"
            : String.format(java.util.Locale.ROOT, "%.4f", last.validationAccuracy()),
        evaluation.accuracy(),
        evaluation.rocAuc() == null
            ? ""
            : String.format(java.util.Locale.ROOT, ", ROC AUC %.4f", evaluation.rocAuc()),
        evaluation.images());
  }
}
