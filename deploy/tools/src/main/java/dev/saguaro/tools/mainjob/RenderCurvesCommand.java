package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders a training run's accuracy and loss curves as PNG files from its metrics history, read
 * from the ingest service's runs API or from a saved copy of that JSON.
 */
@Command(
    name = "render-training-curves",
    mixinStandardHelpOptions = true,
    description = {
      "Writes <prefix>-accuracy.png and <prefix>-loss.png: training and validation figures per"
          + " epoch of one run, with a dashed line where fine-tuning starts.",
      ""
    })
public final class RenderCurvesCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--run",
        paramLabel = "RUN_ID",
        description = "Run id to fetch from GET {ingest}/api/v1/runs/{id}.")
    String runId;

    @Option(
        names = "--run-json",
        paramLabel = "FILE",
        description = "A saved response of GET /api/v1/runs/{id}.")
    Path runJson;
  }

  @Option(
      names = "--ingest-url",
      defaultValue = "http://127.0.0.1:8081",
      description = "Base URL of the ingest service (default: ${DEFAULT-VALUE}).")
  URI ingestUrl;

  @Option(
      names = {"-o", "--output-dir"},
      required = true,
      paramLabel = "DIR",
      description = "Folder for the two PNG files.")
  Path outputDirectory;

  @Option(
      names = "--prefix",
      defaultValue = "training",
      description = "Start of the file names (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--title", description = "Title above the plots (default: the model and run).")
  String title;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RenderCurvesCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    JsonNode run =
        source.runJson != null
            ? ContractCodec.mapper().readTree(Files.readString(source.runJson))
            : new IngestApi(ingestUrl, null).getRun(source.runId);
    List<EpochMetrics> history = RunFollower.metricsHistory(run);
    String heading =
        title != null
            ? title
            : run.path("modelName").asText()
                + " run "
                + RunFollower.shortId(run.path("id").asText());
    for (Path written :
        TrainingCurvePlot.writeAccuracyAndLoss(heading, history, outputDirectory, prefix)) {
      System.out.println(written);
    }
    return 0;
  }
}
