package dev.saguaro.inference.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 7807 problem document. {@code type} is a URN naming the kind of problem; {@code
 * extensions} carry extra members such as the model name, written beside the standard ones.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

  public static final String MEDIA_TYPE = "application/problem+json";

  private static final String TYPE_PREFIX = "urn:saguaro:problem:";

  /** Creates a problem of kind {@code slug}, such as {@code undecodable-image}. */
  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, null, new LinkedHashMap<>());
  }

  /** Returns a copy with the extra member {@code name}. */
  public Problem with(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(extensions);
    copy.put(name, value);
    return new Problem(type, title, status, detail, instance, copy);
  }

  /** Returns a copy whose {@code instance} is {@code path}. */
  public Problem at(String path) {
    return new Problem(type, title, status, detail, path, extensions);
  }

  @JsonAnyGetter
  Map<String, Object> extensionMembers() {
    return extensions;
  }
}
