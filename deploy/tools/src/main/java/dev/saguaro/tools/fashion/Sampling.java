package dev.saguaro.tools.fashion;

/** Order in which the images of a subset are chosen from a split. */
public enum Sampling {
  /** In file order. */
  FIRST,

  /** In a shuffled order fixed by the seed. */
  RANDOM,

  /**
   * Shuffled within each class by the seed, then interleaved so that every prefix of the order
   * keeps the class proportions of the whole split (to within one image per class).
   */
  STRATIFIED;

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
