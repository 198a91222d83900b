package dev.saguaro.inference.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves artifact bytes over HTTP on a free loopback port, as the ingest service would. */
public final class ArtifactServer implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  private final AtomicInteger downloads = new AtomicInteger();

  public ArtifactServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          byte[] body = artifacts.get(exchange.getRequestURI().getPath());
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          downloads.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/zip");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** Serves {@code bytes} at {@code path} and returns the absolute URI. */
  public String publish(String path, byte[] bytes) {
    artifacts.put(path, bytes);
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public int downloads() {
    return downloads.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
