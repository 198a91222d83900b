package dev.saguaro.tools.mainjob;

/**
 * An HTTP call to one of the services that failed: no connection, a timeout, or an unexpected
 * status. For a problem document ({@code application/problem+json}) the message carries its {@code
 * detail}.
 */
public class HttpCallException extends RuntimeException {

  private final int status;

  /** Creates the exception for a response with {@code status}; 0 means no response at all. */
  public HttpCallException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** Returns the HTTP status of the response, or 0 when no response arrived. */
  public int status() {
    return status;
  }
}
