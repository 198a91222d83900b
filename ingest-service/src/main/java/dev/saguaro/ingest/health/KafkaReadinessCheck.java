package dev.saguaro.ingest.health;

import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.messaging.OutboxRelay;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports UP when the Kafka cluster describes itself within {@code
 * saguaro.ingest.health.kafka-timeout}; otherwise DOWN with the reason and the number of outbox
 * messages waiting. Results are reused for {@code saguaro.ingest.health.kafka-cache-time}, so
 * frequent probes do not each wait for an unreachable broker. SmallRye's own check of the
 * training-events channel reports beside this one.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

  @Inject IngestConfig config;
  @Inject OutboxRelay relay;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  private Admin admin;
  private HealthCheckResponse cached;
  private Instant cachedAt = Instant.EPOCH;

  @Override
  public synchronized HealthCheckResponse call() {
    Instant now = Instant.now();
    if (cached == null || now.isAfter(cachedAt.plus(config.health().kafkaCacheTime()))) {
      cached = probe();
      cachedAt = now;
    }
    return cached;
  }

  private HealthCheckResponse probe() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("Kafka cluster")
            .withData("bootstrap.servers", bootstrapServers)
            .withData("outbox.pending", relay.pendingCount());
    long timeoutMs = config.health().kafkaTimeout().toMillis();
    try {
      int nodes =
          admin()
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
              .nodes()
              .get(timeoutMs + 500, TimeUnit.MILLISECONDS)
              .size();
      return response.up().withData("nodes", nodes).build();
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      String reason =
          "Kafka at "
              + bootstrapServers
              + " did not answer within "
              + timeoutMs
              + " ms ("
              + cause.getClass().getSimpleName()
              + "); training requests wait in the outbox until it does";
      return response.down().withData("reason", reason).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return response.down().withData("reason", "interrupted while probing Kafka").build();
    }
  }

  private Admin admin() {
    if (admin == null) {
      admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  AdminClientConfig.CLIENT_ID_CONFIG,
                  "saguaro-ingest-health",
                  AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
                  2000));
    }
    return admin;
  }

  @PreDestroy
  synchronized void close() {
    if (admin != null) {
      admin.close(java.time.Duration.ofSeconds(2));
    }
  }
}
