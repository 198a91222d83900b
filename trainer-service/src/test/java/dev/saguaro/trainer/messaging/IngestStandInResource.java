package dev.saguaro.trainer.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Starts an {@link IngestEndpointsStandIn} for a Quarkus test and points {@code
 * saguaro.trainer.ingest-base-url} at it. Tests reach the running stand-in through {@link
 * #standIn()}.
 */
public class IngestStandInResource implements QuarkusTestResourceLifecycleManager {

  private static volatile IngestEndpointsStandIn standIn;

  /** Returns the stand-in of the current test run. */
  public static IngestEndpointsStandIn standIn() {
    IngestEndpointsStandIn current = standIn;
    if (current == null) {
      throw new IllegalStateException("The ingest stand-in is not started");
    }
    return current;
  }

  @Override
  public Map<String, String> start() {
    try {
      standIn = IngestEndpointsStandIn.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("saguaro.trainer.ingest-base-url", standIn.baseUrl());
  }

  @Override
  public void stop() {
    IngestEndpointsStandIn current = standIn;
    standIn = null;
    if (current != null) {
      current.close();
    }
  }
}
