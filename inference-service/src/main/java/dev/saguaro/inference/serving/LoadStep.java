package dev.saguaro.inference.serving;

/** Steps of loading a model version, named in failure reasons and metrics. */
public enum LoadStep {
  DOWNLOAD,
  VERIFY_CHECKSUM,
  UNPACK,
  READ_METADATA,
  LOAD_SAVED_MODEL,
  CHECK_SIGNATURES,
  WARM_UP;

  /** Returns the lowercase name used as a metric tag and in messages, such as {@code warm-up}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
