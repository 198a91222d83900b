package dev.saguaro.ingest.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** An RFC 7807 problem document, served as {@code application/problem+json}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance"})
public final class Problem {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** Prefix of every problem type URI of this service. */
  public static final String TYPE_PREFIX = "urn:saguaro:problem:";

  public final String type;
  public final String title;
  public final int status;
  public final String detail;
  public final String instance;
  private final Map<String, Object> extensions;

  public Problem(
      String slug,
      String title,
      int status,
      String detail,
      String instance,
      Map<String, Object> extensions) {
    this.type = TYPE_PREFIX + slug;
    this.title = title;
    this.status = status;
    this.detail = detail;
    this.instance = instance;
    this.extensions = new LinkedHashMap<>(extensions);
  }

  @JsonAnyGetter
  public Map<String, Object> extensions() {
    return extensions;
  }

  /** Returns a response carrying this document with its status. */
  public Response toResponse() {
    return Response.status(status).type(MEDIA_TYPE).entity(this).build();
  }
}
