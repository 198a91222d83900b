package dev.saguaro.tools.fashion;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Request to convert a subset of one split of Fashion-MNIST, labelled for one task.
 *
 * @param sourceDirectory folder with the gzip IDX files, such as {@code
 *     /usr/share/datasets/fashion-mnist}
 * @param split train or test
 * @param task the label column to write
 * @param sampling how the subset is chosen
 * @param seed seed of the random and stratified orders
 * @param offset number of images of the order to skip
 * @param count number of images to write; empty means all from {@code offset} to the end
 * @param output folder to create, or zip file when {@code zip} is set
 * @param zip whether to write one zip file instead of a folder
 */
public record ConversionRequest(
    Path sourceDirectory,
    DatasetSplit split,
    LabelTask task,
    Sampling sampling,
    long seed,
    int offset,
    OptionalInt count,
    Path output,
    boolean zip) {}
