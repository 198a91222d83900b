package dev.saguaro.inference.api;

import java.util.List;

/**
 * JSON body of a prediction request, for clients that cannot send binary.
 *
 * @param images the images, each with base64 bytes
 */
public record PredictionRequest(List<EncodedImage> images) {

  /**
   * One base64 image.
   *
   * @param name optional name, echoed in the response
   * @param data the JPEG or PNG bytes in standard base64 (RFC 4648 section 4, no line breaks)
   */
  public record EncodedImage(String name, String data) {}
}
