package dev.saguaro.ingest.api;

import dev.saguaro.ingest.config.IngestConfig;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires a configured API key in the {@code X-API-Key} header on every write request (POST, PUT,
 * PATCH, DELETE) under {@code /api/}; reads are open. Keys are compared in constant time and never
 * logged.
 */
@Singleton
public class ApiKeyFilter {

  public static final String HEADER = "X-API-Key";

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  @Inject CallerIdentity caller;

  // The filter is built while REST endpoints are deployed, before runtime configuration exists,
  // so the keys are read on first use.
  @Inject Provider<IngestConfig> config;

  private volatile List<ApiKey> keys;

  private List<ApiKey> keys() {
    List<ApiKey> loaded = keys;
    if (loaded == null) {
      loaded = new ArrayList<>();
      List<String> entries = config.get().apiKeys();
      for (int i = 0; i < entries.size(); i++) {
        String entry = entries.get(i).trim();
        int colon = entry.indexOf(':');
        if (colon > 0) {
          loaded.add(new ApiKey(entry.substring(0, colon), entry.substring(colon + 1)));
        } else if (!entry.isEmpty()) {
          loaded.add(new ApiKey("api-key-" + (i + 1), entry));
        }
      }
      Log.infof("Write endpoints accept %d API key(s) in header %s", loaded.size(), HEADER);
      keys = loaded;
    }
    return loaded;
  }

  @ServerRequestFilter
  public Response requireApiKey(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (READ_METHODS.contains(request.getMethod()) || !path.startsWith("/api/")) {
      return null;
    }
    String presented = request.getHeaderString(HEADER);
    if (presented != null) {
      for (ApiKey key : keys()) {
        if (key.matches(presented)) {
          caller.setName(key.name());
          return null;
        }
      }
    }
    String detail =
        presented == null
            ? "Missing header "
                + HEADER
                + ": write requests need an API key from saguaro.ingest.api-keys"
            : "The API key in header "
                + HEADER
                + " is not configured; use a key listed in saguaro.ingest.api-keys";
    Log.debugf("Rejected %s %s with 401: %s", request.getMethod(), path, detail);
    return Response.fromResponse(
            new Problem("unauthorized", "Unauthorized", 401, detail, path, Map.of()).toResponse())
        .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + HEADER + "\"")
        .build();
  }

  private record ApiKey(String name, String secret) {

    boolean matches(String presented) {
      return MessageDigest.isEqual(
          secret.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
  }
}
