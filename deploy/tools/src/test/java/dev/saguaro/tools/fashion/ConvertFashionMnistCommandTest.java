package dev.saguaro.tools.fashion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConvertFashionMnistCommandTest {

  @TempDir Path folder;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void helpListsEveryOption() {
    int exitCode = run("--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("--source", "--split", "--task", "--count", "--offset", "--sampling")
        .contains("--seed", "--output", "--zip", "has_footwear, ten_class");
  }

  @Test
  void convertsSubsetAndPrintsCounts() throws Exception {
    Path source = IdxFixtures.writeSourceFolder(folder.resolve("source"), 100, 20, 28, 28);
    Path output = folder.resolve("out");

    int exitCode =
        run(
            "--source", source.toString(),
            "--task", "TEN_CLASS",
            "--count", "30",
            "--sampling", "stratified",
            "-o", output.toString());

    assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
    assertThat(out.toString()).contains("Wrote 30 train images", "label=bag: 3");
    assertThat(Files.readAllLines(output.resolve("train.csv"))).hasSize(31);
  }

  @Test
  void negativeCountIsUsageError() {
    int exitCode = run("--count", "-5", "-o", folder.resolve("out").toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid --count -5");
  }

  @Test
  void unknownTaskIsUsageError() {
    int exitCode = run("--task", "has_cactus", "-o", folder.resolve("out").toString());

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).contains("has_cactus");
  }

  @Test
  void missingSourceFailsWithReason() {
    int exitCode =
        run(
            "--source",
            folder.resolve("absent").toString(),
            "-o",
            folder.resolve("out").toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString()).contains("Conversion failed", "not found");
  }

  private int run(String... args) {
    CommandLine commandLine = ConvertFashionMnistCommand.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }
}
