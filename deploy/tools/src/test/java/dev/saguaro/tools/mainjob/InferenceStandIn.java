package dev.saguaro.tools.mainjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.saguaro.contracts.ContractCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP server on 127.0.0.1 that plays the inference service's prediction endpoint: an image
 * whose name contains {@code pos} gets probability 0.9 for class {@code 1}, any other 0.2. The
 * answering version and a number of 503 answers are set by the test.
 */
final class InferenceStandIn implements AutoCloseable {

  final AtomicLong version = new AtomicLong(1);
  final AtomicInteger unavailableAnswers = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  private final HttpServer server;

  InferenceStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/models/fashion/predictions", this::predict);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void predict(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    JsonNode request = ContractCodec.mapper().readTree(exchange.getRequestBody());
    if (unavailableAnswers.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      send(exchange, 503, "{\"title\":\"No model version is serving\",\"detail\":\"loading\"}");
      return;
    }
    ObjectNode response = ContractCodec.mapper().createObjectNode();
    ArrayNode predictions = response.putArray("predictions");
    for (JsonNode image : request.path("images")) {
      double positive = image.path("name").asText().contains("pos") ? 0.9 : 0.2;
      ObjectNode prediction = predictions.addObject();
      prediction.put("predictedClass", positive > 0.5 ? "1" : "0");
      prediction.putObject("probabilities").put("0", 1 - positive).put("1", positive);
      prediction.put("modelVersion", version.get());
    }
    send(exchange, 200, response.toString());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
