package dev.saguaro.contracts;

/** Thrown when a record's JSON does not match the contract type it is read as. */
public class MalformedMessageException extends RuntimeException {

  public MalformedMessageException(Class<?> type, String reason) {
    super("Malformed " + type.getSimpleName() + " record: " + reason);
  }
}
