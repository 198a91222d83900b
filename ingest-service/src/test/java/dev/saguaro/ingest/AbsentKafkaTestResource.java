package dev.saguaro.ingest;

import dev.saguaro.testing.KafkaBrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the application at a free loopback port where no Kafka broker runs yet. */
public class AbsentKafkaTestResource implements QuarkusTestResourceLifecycleManager {

  private static volatile int port;

  /** The port the application was given. */
  public static int port() {
    return port;
  }

  @Override
  public Map<String, String> start() {
    port = KafkaBrokerProcess.freePort();
    return Map.of("kafka.bootstrap.servers", "127.0.0.1:" + port);
  }

  @Override
  public void stop() {}
}
