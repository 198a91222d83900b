package dev.saguaro.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a Quarkus test a real Kafka broker: the one named by the environment variable {@code
 * SAGUARO_TEST_KAFKA_BOOTSTRAP_SERVERS} when set, otherwise a {@link KafkaBrokerProcess} started
 * for the test run.
 *
 * <p>Tests that stop and restart the broker reach it through {@link #broker()}, which is empty when
 * an external broker is used.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

  public static final String EXTERNAL_BOOTSTRAP_VARIABLE = "SAGUARO_TEST_KAFKA_BOOTSTRAP_SERVERS";

  private static volatile KafkaBrokerProcess broker;

  /** The broker this resource started, if it started one. */
  public static java.util.Optional<KafkaBrokerProcess> broker() {
    return java.util.Optional.ofNullable(broker);
  }

  @Override
  public Map<String, String> start() {
    String external = System.getenv(EXTERNAL_BOOTSTRAP_VARIABLE);
    if (external != null && !external.isBlank()) {
      return Map.of("kafka.bootstrap.servers", external);
    }
    KafkaBrokerProcess started = KafkaBrokerProcess.onFreePorts();
    started.start();
    broker = started;
    return Map.of("kafka.bootstrap.servers", started.bootstrapServers());
  }

  @Override
  public void stop() {
    KafkaBrokerProcess started = broker;
    broker = null;
    if (started != null) {
      started.close();
    }
  }
}
