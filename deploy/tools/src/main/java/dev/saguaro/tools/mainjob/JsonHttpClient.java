package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saguaro.contracts.ContractCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls one service's JSON API over HTTP/1.1. Only loopback base URLs are accepted, because this
 * tooling drives services that it started on this machine. Thread-safe: the JDK client is.
 */
public final class JsonHttpClient {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final URI baseUrl;
  private final Duration requestTimeout;
  private final HttpClient client;
  private final ObjectMapper mapper = ContractCodec.mapper();

  /**
   * Creates a client for {@code baseUrl}, such as {@code http://127.0.0.1:8081}.
   *
   * @param requestTimeout time allowed for the whole response of one call
   * @throws IllegalArgumentException when the host is not a loopback address
   */
  public JsonHttpClient(URI baseUrl, Duration requestTimeout) {
    requireLoopback(baseUrl);
    this.baseUrl = baseUrl;
    this.requestTimeout = requestTimeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /** Rejects any host other than 127.0.0.1, localhost or ::1. */
  static void requireLoopback(URI url) {
    String host = url.getHost();
    boolean loopback =
        host != null
            && (host.equals("127.0.0.1")
                || host.equals("localhost")
                || host.equals("[::1]")
                || host.equals("::1"));
    if (!loopback) {
      throw new IllegalArgumentException(
          "URL " + url + " is not on this machine; use 127.0.0.1, localhost or [::1]");
    }
  }

  /** Returns the base URL, without a trailing slash. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** Returns the JSON body of {@code GET path}, or empty on 404. */
  public Optional<JsonNode> getOptional(String path) {
    HttpResponse<String> response = send(newRequest(path).GET().build());
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(parse(requireSuccess(response, "GET " + path)));
  }

  /** Returns the JSON body of {@code GET path}; any status but 2xx raises. */
  public JsonNode get(String path) {
    HttpResponse<String> response = send(newRequest(path).GET().build());
    return parse(requireSuccess(response, "GET " + path));
  }

  /** Returns the status of {@code GET path}, or 0 when the service does not respond. */
  public int probe(String path) {
    try {
      return send(newRequest(path).timeout(Duration.ofSeconds(10)).GET().build()).statusCode();
    } catch (HttpCallException e) {
      return 0;
    }
  }

  /** Sends {@code body} as JSON with {@code POST path} and returns the JSON response. */
  public JsonNode postJson(String path, Object body, String apiKey) {
    String json;
    try {
      json = mapper.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot write the request body of POST " + path, e);
    }
    HttpRequest.Builder request =
        newRequest(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    return parse(requireSuccess(send(request.build()), "POST " + path));
  }

  /** Sends {@code body} with {@code POST path} and the given content type. */
  public JsonNode postBytes(String path, byte[] body, String contentType, String apiKey) {
    HttpRequest.Builder request =
        newRequest(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      request.header("X-API-Key", apiKey);
    }
    return parse(requireSuccess(send(request.build()), "POST " + path));
  }

  private HttpRequest.Builder newRequest(String path) {
    return HttpRequest.newBuilder(baseUrl.resolve(path))
        .timeout(requestTimeout)
        .header("Accept", "application/json");
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new HttpCallException(request.method() + " " + request.uri() + " failed: " + e, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HttpCallException(
          request.method() + " " + request.uri() + " was interrupted", 0, e);
    }
  }

  private String requireSuccess(HttpResponse<String> response, String call) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    throw new HttpCallException(
        call + " returned " + status + ": " + describeError(response.body()), status, null);
  }

  /** Returns a problem document's title and detail, or the start of any other body. */
  private String describeError(String body) {
    try {
      JsonNode problem = mapper.readTree(body);
      if (problem != null && problem.hasNonNull("detail")) {
        return problem.path("title").asText("") + ": " + problem.get("detail").asText();
      }
    } catch (IOException notJson) {
      // Not a problem document: show the raw body instead.
    }
    return body == null ? "" : body.substring(0, Math.min(body.length(), 500));
  }

  private JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? mapper.nullNode() : mapper.readTree(body);
    } catch (IOException e) {
      throw new HttpCallException("The response is not JSON: " + body, 0, e);
    }
  }
}
