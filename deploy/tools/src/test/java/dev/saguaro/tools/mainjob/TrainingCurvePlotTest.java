package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.contracts.EpochMetrics;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvePlotTest {

  private static EpochMetrics epoch(int phase, int number, double trainAccuracy, double loss) {
    return new EpochMetrics(phase, number, loss, trainAccuracy, loss * 1.2, 0.5, 0.5, 1.0, 100.0);
  }

  private static final List<EpochMetrics> HISTORY =
      List.of(epoch(1, 1, 0.6, 0.7), epoch(1, 2, 0.8, 0.4), epoch(2, 3, 0.9, 0.3));

  @Test
  void bothSeriesAreDrawnWhereTheirValuesAre() {
    BufferedImage image =
        TrainingCurvePlot.render("t", HISTORY, TrainingCurvePlot.Metric.ACCURACY, 640, 400);

    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(400);
    // Plot area: left 70, top 40, width 550, height 310; epochs 1-3, accuracy 0-1.
    // Validation accuracy 0.5 at epoch 2: x = 70 + 275, y = 40 + 155.
    assertThat(new java.awt.Color(image.getRGB(345, 195)))
        .isEqualTo(TrainingCurvePlot.VALIDATION_COLOR);
    // Training accuracy 0.8 at epoch 2: y = 40 + 310 - 248.
    assertThat(new java.awt.Color(image.getRGB(345, 102))).isEqualTo(TrainingCurvePlot.TRAIN_COLOR);
  }

  @Test
  void lossAxisCoversTheLargestLossWithHeadroom() {
    double[] range =
        TrainingCurvePlot.valueRange(
            TrainingCurvePlot.Metric.LOSS,
            new double[] {0.7, 0.4},
            new double[] {0.84, Double.NaN});

    assertThat(range[0]).isEqualTo(0);
    assertThat(range[1]).isCloseTo(0.924, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void accuracyAndLossFilesAreWrittenAsPng(@TempDir Path directory) throws Exception {
    List<Path> written =
        TrainingCurvePlot.writeAccuracyAndLoss("title", HISTORY, directory, "run-1");

    assertThat(written)
        .containsExactly(
            directory.resolve("run-1-accuracy.png"), directory.resolve("run-1-loss.png"));
    for (Path file : written) {
      BufferedImage image = ImageIO.read(file.toFile());
      assertThat(image.getWidth()).isEqualTo(640);
    }
  }

  @Test
  void emptyHistoryIsRejected() {
    assertThatThrownBy(
            () -> TrainingCurvePlot.render("t", List.of(), TrainingCurvePlot.Metric.LOSS, 640, 400))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no finished epoch");
  }
}
