package dev.saguaro.tools.fashion;

/** The classification task that decides the label column of {@code train.csv}. */
public enum LabelTask {
  /**
   * Binary task shaped like Kaggle's aerial-cactus task: column {@code has_footwear}, {@code 1} for
   * sandal, sneaker and ankle boot, else {@code 0}.
   */
  HAS_FOOTWEAR("has_footwear"),

  /** All ten classes: column {@code label}, values such as {@code t-shirt_top} or {@code bag}. */
  TEN_CLASS("label");

  private final String columnName;

  LabelTask(String columnName) {
    this.columnName = columnName;
  }

  /** Returns the header of the label column. */
  public String columnName() {
    return columnName;
  }

  /** Returns the label column value of an image of {@code garment}. */
  public String labelOf(FashionMnistClass garment) {
    return switch (this) {
      case HAS_FOOTWEAR -> garment.isFootwear() ? "1" : "0";
      case TEN_CLASS -> garment.className();
    };
  }

  /** Returns the name used on the command line, for example {@code has_footwear}. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
