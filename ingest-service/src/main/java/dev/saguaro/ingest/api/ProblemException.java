package dev.saguaro.ingest.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be served, turned into an RFC 7807 problem document by {@link
 * ProblemMappers}. Thrown inside a transaction, it also rolls the transaction back, so nothing of
 * the rejected request is stored.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final Map<String, Object> extensions = new LinkedHashMap<>();

  /**
   * @param status HTTP status
   * @param slug last part of the problem type URI, such as {@code invalid-image}
   * @param title short summary that is the same for every problem of this type
   * @param detail what is wrong with which value, and how to fix it
   */
  public ProblemException(int status, String slug, String title, String detail) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  /** Adds a member to the problem document, next to the standard ones. */
  public ProblemException with(String name, Object value) {
    extensions.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  public static ProblemException badRequest(String slug, String detail) {
    return new ProblemException(400, slug, "Invalid request", detail);
  }

  public static ProblemException notFound(String slug, String detail) {
    return new ProblemException(404, slug, "Not found", detail);
  }

  public static ProblemException conflict(String slug, String detail) {
    return new ProblemException(409, slug, "Conflict", detail);
  }

  public static ProblemException tooLarge(String slug, String detail) {
    return new ProblemException(413, slug, "Content too large", detail);
  }

  public static ProblemException unsupportedMediaType(String slug, String detail) {
    return new ProblemException(415, slug, "Unsupported media type", detail);
  }

  public static ProblemException unprocessable(String slug, String detail) {
    return new ProblemException(422, slug, "Unprocessable content", detail);
  }
}
