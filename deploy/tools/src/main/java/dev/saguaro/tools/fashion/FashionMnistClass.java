package dev.saguaro.tools.fashion;

/** The ten classes of Fashion-MNIST, in the order of their numeric labels 0-9. */
public enum FashionMnistClass {
  T_SHIRT_TOP("t-shirt_top"),
  TROUSER("trouser"),
  PULLOVER("pullover"),
  DRESS("dress"),
  COAT("coat"),
  SANDAL("sandal"),
  SHIRT("shirt"),
  SNEAKER("sneaker"),
  BAG("bag"),
  ANKLE_BOOT("ankle_boot");

  private final String className;

  FashionMnistClass(String className) {
    this.className = className;
  }

  /** Returns the class of a numeric label (0-9). */
  public static FashionMnistClass ofLabel(int label) {
    FashionMnistClass[] classes = values();
    if (label < 0 || label >= classes.length) {
      throw new IllegalArgumentException(
          "label " + label + " is not a Fashion-MNIST class, expected 0-" + (classes.length - 1));
    }
    return classes[label];
  }

  /**
   * Returns the name written to the label column of the ten-class task, for example {@code
   * ankle_boot}.
   */
  public String className() {
    return className;
  }

  /** Returns whether the garment is worn on the feet: sandal, sneaker or ankle boot. */
  public boolean isFootwear() {
    return this == SANDAL || this == SNEAKER || this == ANKLE_BOOT;
  }
}
