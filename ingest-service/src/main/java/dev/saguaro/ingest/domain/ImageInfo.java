package dev.saguaro.ingest.domain;

/** Format and size from an accepted image's header, with the content hash. */
public record ImageInfo(ImageFormat format, int width, int height, String sha256, long sizeBytes) {}
