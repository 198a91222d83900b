package dev.saguaro.tools.fashion;

import java.nio.file.Path;

/** The two splits of Fashion-MNIST and the names of their IDX files. */
public enum DatasetSplit {
  /** 60,000 training images. */
  TRAIN("train", "train"),

  /** 10,000 test images, held out from training. */
  TEST("test", "t10k");

  private final String outputName;
  private final String filePrefix;

  DatasetSplit(String outputName, String filePrefix) {
    this.outputName = outputName;
    this.filePrefix = filePrefix;
  }

  /**
   * Returns the name of the CSV file (without {@code .csv}) and image folder written for this
   * split.
   */
  public String outputName() {
    return outputName;
  }

  public Path imagesFile(Path sourceDirectory) {
    return sourceDirectory.resolve(filePrefix + "-images-idx3-ubyte.gz");
  }

  public Path labelsFile(Path sourceDirectory) {
    return sourceDirectory.resolve(filePrefix + "-labels-idx1-ubyte.gz");
  }

  @Override
  public String toString() {
    return outputName;
  }
}
