package dev.saguaro.tools.mainjob;

import dev.saguaro.contracts.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws training and validation curves against the epoch number, like the plots of Keras
 * transfer-learning tutorials: one picture for accuracy, one for loss, with a dashed vertical line
 * where fine-tuning (phase 2) starts. Uses only {@code java.awt}, so it runs headless.
 */
public final class TrainingCurvePlot {

  /** Colour of the training series. */
  static final Color TRAIN_COLOR = new Color(31, 119, 180);

  /** Colour of the validation series. */
  static final Color VALIDATION_COLOR = new Color(255, 127, 14);

  private static final int MARGIN_LEFT = 70;
  private static final int MARGIN_RIGHT = 20;
  private static final int MARGIN_TOP = 40;
  private static final int MARGIN_BOTTOM = 50;

  /** The figure a plot shows. */
  public enum Metric {
    ACCURACY("Accuracy", EpochMetrics::trainAccuracy, EpochMetrics::validationAccuracy),
    LOSS("Cross-entropy loss", EpochMetrics::trainLoss, EpochMetrics::validationLoss);

    private final String label;
    private final ToDoubleFunction<EpochMetrics> train;
    private final ToDoubleFunction<EpochMetrics> validation;

    Metric(
        String label,
        ToDoubleFunction<EpochMetrics> train,
        ToDoubleFunction<EpochMetrics> validation) {
      this.label = label;
      this.train = train;
      this.validation = validation;
    }

    /** Returns the axis label, such as {@code Accuracy}. */
    public String label() {
      return label;
    }
  }

  private TrainingCurvePlot() {}

  /**
   * Draws one metric of {@code history}.
   *
   * @param history finished epochs in order, as the runs API lists them
   * @throws IllegalArgumentException when {@code history} is empty
   */
  public static BufferedImage render(
      String title, List<EpochMetrics> history, Metric metric, int width, int height) {
    if (history.isEmpty()) {
      throw new IllegalArgumentException("The run has no finished epoch to plot");
    }
    double[] train = history.stream().mapToDouble(metric.train).toArray();
    double[] validation = history.stream().mapToDouble(metric.validation).toArray();
    int[] epochs = history.stream().mapToInt(EpochMetrics::epoch).toArray();
    double[] range = valueRange(metric, train, validation);
    PlotArea area =
        new PlotArea(
            MARGIN_LEFT,
            MARGIN_TOP,
            width - MARGIN_LEFT - MARGIN_RIGHT,
            height - MARGIN_TOP - MARGIN_BOTTOM,
            epochs[0],
            Math.max(epochs[epochs.length - 1], epochs[0] + 1),
            range[0],
            range[1]);

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      drawAxes(g, area, metric, title);
      drawFineTuningStart(g, area, history);
      drawSeries(g, area, epochs, train, TRAIN_COLOR);
      drawSeries(g, area, epochs, validation, VALIDATION_COLOR);
      drawLegend(g, area, metric);
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * Writes the accuracy and loss pictures as {@code <prefix>-accuracy.png} and {@code -loss.png}.
   */
  public static List<Path> writeAccuracyAndLoss(
      String title, List<EpochMetrics> history, Path directory, String prefix) throws IOException {
    Files.createDirectories(directory);
    Path accuracy = directory.resolve(prefix + "-accuracy.png");
    Path loss = directory.resolve(prefix + "-loss.png");
    ImageIO.write(render(title, history, Metric.ACCURACY, 640, 400), "png", accuracy.toFile());
    ImageIO.write(render(title, history, Metric.LOSS, 640, 400), "png", loss.toFile());
    return List.of(accuracy, loss);
  }

  /** Accuracy always spans [0, 1]; loss spans [0, max] with a little headroom. */
  static double[] valueRange(Metric metric, double[] train, double[] validation) {
    if (metric == Metric.ACCURACY) {
      return new double[] {0, 1};
    }
    double max = 0;
    for (double value : train) {
      max = Math.max(max, finiteOrZero(value));
    }
    for (double value : validation) {
      max = Math.max(max, finiteOrZero(value));
    }
    return new double[] {0, max <= 0 ? 1 : max * 1.1};
  }

  private static double finiteOrZero(double value) {
    return Double.isFinite(value) ? value : 0;
  }

  private static void drawAxes(Graphics2D g, PlotArea area, Metric metric, String title) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(230, 230, 230));
    for (int tick = 0; tick <= 5; tick++) {
      double value = area.minValue + (area.maxValue - area.minValue) * tick / 5;
      int y = area.y(value);
      g.drawLine(area.left, y, area.left + area.width, y);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawRect(area.left, area.top, area.width, area.height);
    for (int tick = 0; tick <= 5; tick++) {
      double value = area.minValue + (area.maxValue - area.minValue) * tick / 5;
      String text = String.format(Locale.ROOT, "%.2f", value);
      g.drawString(text, area.left - 8 - g.getFontMetrics().stringWidth(text), area.y(value) + 4);
    }
    int step = Math.max(1, (area.maxEpoch - area.minEpoch) / 10);
    for (int epoch = area.minEpoch; epoch <= area.maxEpoch; epoch += step) {
      String text = Integer.toString(epoch);
      int x = area.x(epoch);
      g.drawLine(x, area.top + area.height, x, area.top + area.height + 4);
      g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, area.top + area.height + 18);
    }
    g.drawString("Epoch", area.left + area.width / 2 - 16, area.top + area.height + 38);
    g.drawString(metric.label(), 8, area.top - 10);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.drawString(title, area.left + 60, area.top - 14);
  }

  private static void drawFineTuningStart(Graphics2D g, PlotArea area, List<EpochMetrics> history) {
    for (int i = 1; i < history.size(); i++) {
      if (history.get(i).phase() == 2 && history.get(i - 1).phase() == 1) {
        int x = area.x(history.get(i - 1).epoch());
        g.setColor(Color.GRAY);
        g.setStroke(
            new BasicStroke(
                1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(x, area.top, x, area.top + area.height);
        g.setStroke(new BasicStroke(1));
        String label = "start of fine-tuning";
        int labelWidth = g.getFontMetrics().stringWidth(label);
        // Right of the line when it fits inside the plot, else left of it.
        int labelX = x + 4 + labelWidth <= area.left + area.width ? x + 4 : x - 4 - labelWidth;
        g.drawString(label, labelX, area.top + area.height / 2);
        return;
      }
    }
  }

  private static void drawSeries(
      Graphics2D g, PlotArea area, int[] epochs, double[] values, Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2));
    for (int i = 0; i < values.length; i++) {
      int x = area.x(epochs[i]);
      int y = area.y(finiteOrZero(values[i]));
      g.fillOval(x - 3, y - 3, 7, 7);
      if (i > 0) {
        g.drawLine(area.x(epochs[i - 1]), area.y(finiteOrZero(values[i - 1])), x, y);
      }
    }
    g.setStroke(new BasicStroke(1));
  }

  /** Draws the legend where the curves usually are not: low for accuracy, high for loss. */
  private static void drawLegend(Graphics2D g, PlotArea area, Metric metric) {
    int x = area.left + area.width - 130;
    int y = metric == Metric.ACCURACY ? area.top + area.height - 40 : area.top + 12;
    g.setColor(Color.WHITE);
    g.fillRect(x - 6, y - 10, 130, 42);
    g.setColor(TRAIN_COLOR);
    g.fillRect(x, y - 6, 14, 4);
    g.setColor(Color.DARK_GRAY);
    g.drawString("training", x + 20, y);
    g.setColor(VALIDATION_COLOR);
    g.fillRect(x, y + 14, 14, 4);
    g.setColor(Color.DARK_GRAY);
    g.drawString("validation", x + 20, y + 20);
  }

  /** Maps epochs and values to pixels of the plot rectangle. */
  record PlotArea(
      int left,
      int top,
      int width,
      int height,
      int minEpoch,
      int maxEpoch,
      double minValue,
      double maxValue) {

    int x(int epoch) {
      return left + (int) Math.round((double) (epoch - minEpoch) / (maxEpoch - minEpoch) * width);
    }

    int y(double value) {
      double share = (value - minValue) / (maxValue - minValue);
      return top + height - (int) Math.round(share * height);
    }
  }
}
