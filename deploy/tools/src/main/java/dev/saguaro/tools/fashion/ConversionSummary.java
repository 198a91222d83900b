package dev.saguaro.tools.fashion;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;

/**
 * Outcome of a conversion.
 *
 * @param imageCount number of images written
 * @param countsByLabel number of images per value of the label column
 * @param csvPath path of the CSV file inside the output, such as {@code train.csv}
 * @param output folder or zip file written
 * @param elapsed wall-clock time of the conversion
 */
public record ConversionSummary(
    int imageCount,
    SortedMap<String, Integer> countsByLabel,
    String csvPath,
    Path output,
    Duration elapsed) {}
