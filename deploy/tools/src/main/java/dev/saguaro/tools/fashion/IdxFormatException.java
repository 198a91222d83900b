package dev.saguaro.tools.fashion;

import java.io.IOException;

/** Thrown when a file is not a well-formed IDX file of the expected kind. */
public final class IdxFormatException extends IOException {

  public IdxFormatException(String message) {
    super(message);
  }
}
