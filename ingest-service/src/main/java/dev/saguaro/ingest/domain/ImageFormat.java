package dev.saguaro.ingest.domain;

/** Image formats the service stores; the trainer and the model decode both. */
public enum ImageFormat {
  JPEG("jpeg", "image/jpeg", "jpg"),
  PNG("png", "image/png", "png");

  private final String id;
  private final String mediaType;
  private final String extension;

  ImageFormat(String id, String mediaType, String extension) {
    this.id = id;
    this.mediaType = mediaType;
    this.extension = extension;
  }

  /** Lowercase name stored in the database and shown by the API. */
  public String id() {
    return id;
  }

  public String mediaType() {
    return mediaType;
  }

  /** File name extension used in snapshot archives. */
  public String extension() {
    return extension;
  }

  /** Returns the format with {@code id}. */
  public static ImageFormat fromId(String id) {
    for (ImageFormat format : values()) {
      if (format.id.equals(id)) {
        return format;
      }
    }
    throw new IllegalArgumentException("Unknown image format id " + id);
  }
}
