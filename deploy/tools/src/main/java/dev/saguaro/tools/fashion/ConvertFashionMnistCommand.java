package dev.saguaro.tools.fashion;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Command line of {@link FashionMnistConverter}. */
@Command(
    name = "convert-fashion-mnist",
    sortOptions = false,
    description = {
      "Converts Fashion-MNIST IDX files to the Kaggle layout that the ingest service imports:"
          + " <split>.csv (header id,<label column>; id is the image file name) and a <split>/"
          + " folder of 28x28 grayscale PNG files, as a folder or one zip file.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  First batch of 2,000 training images for the binary task, then a second batch:",
      "    convert-fashion-mnist --count 2000 -o batch1",
      "    convert-fashion-mnist --count 1000 --offset 2000 -o batch2",
      "  All 10,000 test images, ten classes, as a zip file:",
      "    convert-fashion-mnist --split test --task ten_class --zip -o test.zip"
    })
public final class ConvertFashionMnistCommand implements Callable<Integer> {

  private static final int PROGRESS_EVERY_IMAGES = 10_000;

  @Spec private CommandSpec spec;

  @Option(
      names = "--source",
      paramLabel = "DIR",
      defaultValue = "/usr/share/datasets/fashion-mnist",
      description =
          "Folder with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz and the t10k-*"
              + " files (default: ${DEFAULT-VALUE}, where the Debian package"
              + " dataset-fashion-mnist installs them).")
  private Path sourceDirectory;

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      defaultValue = "train",
      description =
          "${COMPLETION-CANDIDATES}: the 60,000 training or 10,000 test images"
              + " (default: ${DEFAULT-VALUE}).")
  private DatasetSplit split;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      defaultValue = "has_footwear",
      description =
          "${COMPLETION-CANDIDATES}. has_footwear: column has_footwear, 1 for sandal, sneaker"
              + " and ankle boot, else 0. ten_class: column label with the class name"
              + " (t-shirt_top, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag,"
              + " ankle_boot). Default: ${DEFAULT-VALUE}.")
  private LabelTask task;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Number of images to write (default: all from --offset to the end).")
  private Integer count;

  @Option(
      names = "--offset",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Number of images to skip in the sampling order, so that a second batch with the same"
              + " --sampling and --seed does not repeat the first (default: ${DEFAULT-VALUE}).")
  private int offset;

  @Option(
      names = "--sampling",
      paramLabel = "MODE",
      defaultValue = "stratified",
      description =
          "${COMPLETION-CANDIDATES}. first: file order. random: shuffled by --seed. stratified:"
              + " shuffled by --seed within each class and interleaved, so that any --count keeps"
              + " the class proportions. Default: ${DEFAULT-VALUE}.")
  private Sampling sampling;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the random and stratified orders (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "PATH",
      required = true,
      description = "Folder to create (it may exist if empty), or zip file to create with --zip.")
  private Path output;

  @Option(names = "--zip", description = "Write one zip file at --output instead of a folder.")
  private boolean zip;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  private boolean helpRequested;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the command line, with enum values accepted in any case. */
  static CommandLine commandLine() {
    return new CommandLine(new ConvertFashionMnistCommand())
        .setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    validateOptions();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConversionRequest request =
        new ConversionRequest(
            sourceDirectory,
            split,
            task,
            sampling,
            seed,
            offset,
            count == null ? OptionalInt.empty() : OptionalInt.of(count),
            output,
            zip);

    ConversionSummary summary;
    try {
      summary =
          new FashionMnistConverter()
              .convert(
                  request,
                  written -> {
                    if (written % PROGRESS_EVERY_IMAGES == 0) {
                      err.printf("  %,d images written%n", written);
                      err.flush();
                    }
                  });
    } catch (IOException | IllegalArgumentException e) {
      err.println("Conversion failed: " + e.getMessage());
      return 1;
    }

    printSummary(out, summary);
    return 0;
  }

  private void validateOptions() {
    if (count != null && count < 0) {
      throw new ParameterException(
          spec.commandLine(), "Invalid --count " + count + ": expected 0 or more");
    }
    if (offset < 0) {
      throw new ParameterException(
          spec.commandLine(), "Invalid --offset " + offset + ": expected 0 or more");
    }
  }

  private void printSummary(PrintWriter out, ConversionSummary summary) {
    out.printf(
        "Wrote %,d %s images (task %s, %s sampling, seed %d, offset %d) to %s in %.1f s%n",
        summary.imageCount(),
        split,
        task,
        sampling,
        seed,
        offset,
        summary.output(),
        summary.elapsed().toMillis() / 1000.0);
    out.printf("  labels in %s:%n", summary.csvPath());
    for (Map.Entry<String, Integer> entry : summary.countsByLabel().entrySet()) {
      out.printf("    %s=%s: %,d%n", task.columnName(), entry.getKey(), entry.getValue());
    }
    out.flush();
  }
}
