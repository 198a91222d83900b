package dev.saguaro.inference.service;

/** Recognises JPEG and PNG images by their first bytes, before TensorFlow decodes them. */
final class ImageFormats {

  private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private ImageFormats() {}

  /**
   * Rejects bytes that are neither JPEG nor PNG. The model's decoder would accept GIF and BMP too,
   * but the model contract promises JPEG and PNG only.
   */
  static void requireJpegOrPng(ImageInput input, int index) throws UndecodableImageException {
    byte[] bytes = input.bytes();
    if (bytes == null || bytes.length == 0) {
      throw new UndecodableImageException(
          index, PredictionService.describe(input, index) + " is empty; send JPEG or PNG bytes");
    }
    if (!startsWith(bytes, JPEG_MAGIC) && !startsWith(bytes, PNG_MAGIC)) {
      throw new UndecodableImageException(
          index,
          PredictionService.describe(input, index)
              + " is neither JPEG nor PNG (its first bytes do not match either format)");
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
