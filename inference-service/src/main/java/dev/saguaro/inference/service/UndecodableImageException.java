package dev.saguaro.inference.service;

/** Thrown when an image's bytes are not a JPEG or PNG that the model can decode. */
public class UndecodableImageException extends Exception {

  private final int index;

  public UndecodableImageException(int index, String message) {
    super(message);
    this.index = index;
  }

  /** Position of the image in the request, from 0. */
  public int index() {
    return index;
  }
}
