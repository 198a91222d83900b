package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.ImageView;
import dev.saguaro.ingest.storage.LabeledImage;

/** Conversion of images to their API view. */
final class ImageViews {

  private ImageViews() {}

  static ImageView toView(LabeledImage image, Boolean duplicate) {
    return new ImageView(
        image.id,
        image.datasetName,
        image.label,
        image.sha256,
        image.format,
        image.width,
        image.height,
        image.sizeBytes,
        image.originalName,
        image.importId,
        image.uploadedBy,
        image.uploadedAt,
        image.labeledAt,
        "/api/v1/images/" + image.id + "/content",
        duplicate);
  }
}
