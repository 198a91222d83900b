package dev.saguaro.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Encodes and decodes contract records as JSON strings, the value format on every Saguaro topic.
 *
 * <p>Decoding checks the schema version before it binds the record, so a record from an
 * incompatible producer fails with {@link UnsupportedSchemaVersionException} and a message that
 * names the version, instead of a binding error deep in Jackson. Unknown fields are ignored, which
 * is what lets minor versions add fields. Thread-safe.
 */
public final class ContractCodec {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private ContractCodec() {}

  /** Returns the JSON form of {@code message}. */
  public static String encode(VersionedMessage message) {
    try {
      return MAPPER.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decodes {@code json} into {@code type} after checking its schema version.
   *
   * @throws UnsupportedSchemaVersionException when the major version is not this build's
   * @throws MalformedMessageException when the text is not JSON or does not fit {@code type}
   */
  public static <T extends VersionedMessage> T decode(String json, Class<T> type) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(type, "not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedMessageException(type, "expected a JSON object");
    }

    JsonNode version = tree.get("schemaVersion");
    SchemaVersion.requireSupported(version == null || version.isNull() ? null : version.asText());

    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(type, e.getOriginalMessage());
    }
  }

  /** The shared mapper, for services that bind contract records inside larger documents. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
