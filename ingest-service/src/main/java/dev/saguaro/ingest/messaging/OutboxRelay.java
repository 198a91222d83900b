package dev.saguaro.ingest.messaging;

import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.storage.OutboxMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes outbox rows to Kafka in id order, one at a time, and marks each row published once the
 * broker acknowledged it.
 *
 * <p>One relay thread does all the work, so rows leave in the order they were committed for any one
 * key (run id or model name). While Kafka is unreachable, the relay stops at the first row that
 * fails, waits with exponential back-off (logging a WARN with the number of waiting rows) and
 * retries the same row, so none is lost and none overtakes another. A row is marked published only
 * after the broker's acknowledgement, so a crash between the two sends that row once more. The
 * trainer claims runs by id, which makes such a repeat harmless.
 *
 * <p>NOTE: rows are ordered by their id, which PostgreSQL assigns at insert time. Two transactions
 * that commit in the opposite order of their inserts can publish out of commit order. The records
 * of one run keep their order, because a run's changes are made one after another.
 *
 * <p>The relay owns its Kafka producer (an idempotent producer with {@code acks=all}), rather than
 * using a messaging channel, because it must wait for each acknowledgement and decide itself when
 * to retry.
 */
@ApplicationScoped
public class OutboxRelay {

  @Inject IngestConfig config;
  @Inject MeterRegistry registry;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  private Producer<String, String> producer;
  private ScheduledExecutorService thread;
  private final AtomicLong pending = new AtomicLong();
  private volatile Instant lastFailureAt;
  private volatile String lastFailure;
  private int consecutiveFailures;
  private Duration backoff = Duration.ZERO;

  void onStart(@Observes StartupEvent event) {
    producer = createProducer();
    thread =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread relay = new Thread(runnable, "outbox-relay");
              relay.setDaemon(true);
              return relay;
            });
    registry.gauge("saguaro.ingest.outbox.pending", pending);
    scheduleNext(Duration.ZERO);
    Log.infof("Outbox relay started against Kafka at %s", bootstrapServers);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (thread != null) {
      thread.shutdownNow();
      try {
        thread.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  /** Rows waiting to be published, as counted by the relay's last round. */
  public long pendingCount() {
    return pending.get();
  }

  /** Reason of the last failed publication, or {@code null} once a publication succeeded. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Time of the last failed publication, or {@code null} once a publication succeeded. */
  public Instant lastFailureAt() {
    return lastFailureAt;
  }

  /** Rows read each round are published; a failure ends the round and sets the back-off. */
  private void relayRound() {
    Duration next = config.outbox().pollInterval();
    try {
      next = publishPending();
    } catch (RuntimeException e) {
      Log.errorf(e, "Outbox relay round failed; retrying in %s", next);
    } finally {
      scheduleNext(next);
    }
  }

  private Duration publishPending() {
    while (!Thread.currentThread().isInterrupted()) {
      List<OutboxMessage> batch =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    pending.set(OutboxMessage.count("publishedAt is null"));
                    return OutboxMessage.<OutboxMessage>find("publishedAt is null", Sort.by("id"))
                        .page(Page.ofSize(config.outbox().batchSize()))
                        .list();
                  });
      if (batch.isEmpty()) {
        return config.outbox().pollInterval();
      }
      for (OutboxMessage message : batch) {
        String failure = publish(message);
        if (failure != null) {
          return recordFailure(message, failure);
        }
        markPublished(message.id);
        pending.decrementAndGet();
      }
    }
    return config.outbox().pollInterval();
  }

  /** Sends one row and waits for the acknowledgement; returns the failure, or null. */
  private String publish(OutboxMessage message) {
    ProducerRecord<String, String> record =
        new ProducerRecord<>(message.topic, message.messageKey, message.payload);
    try {
      // The producer's delivery timeout bounds this wait.
      RecordMetadata metadata = producer.send(record).get();
      Log.infof(
          "Published outbox message %d (%s, key %s) to %s partition %d offset %d",
          message.id,
          message.messageType,
          message.messageKey,
          metadata.topic(),
          metadata.partition(),
          metadata.offset());
      registry.counter("saguaro.ingest.outbox.published", "topic", message.topic).increment();
      if (consecutiveFailures > 0) {
        Log.infof(
            "Kafka at %s is reachable again after %d failed attempt(s)",
            bootstrapServers, consecutiveFailures);
      }
      consecutiveFailures = 0;
      backoff = Duration.ZERO;
      lastFailure = null;
      lastFailureAt = null;
      return null;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while waiting for Kafka";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private Duration recordFailure(OutboxMessage message, String failure) {
    consecutiveFailures++;
    Duration initial = config.outbox().retryInitialBackoff();
    Duration max = config.outbox().retryMaxBackoff();
    backoff = backoff.isZero() ? initial : backoff.multipliedBy(2);
    if (backoff.compareTo(max) > 0) {
      backoff = max;
    }
    lastFailure = failure;
    lastFailureAt = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                OutboxMessage.update(
                    "publishAttempts = publishAttempts + 1, lastError = ?1 where id = ?2",
                    truncate(failure),
                    message.id));
    Log.warnf(
        "Kafka at %s did not accept outbox message %d (%s, key %s): %s; %d message(s) waiting,"
            + " failure %d in a row, retrying in %d ms",
        bootstrapServers,
        message.id,
        message.messageType,
        message.messageKey,
        failure,
        pending.get(),
        consecutiveFailures,
        backoff.toMillis());
    registry.counter("saguaro.ingest.outbox.failures").increment();
    return backoff;
  }

  private static void markPublished(long id) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                OutboxMessage.update(
                    "publishedAt = ?1, publishAttempts = publishAttempts + 1 where id = ?2",
                    Instant.now(),
                    id));
  }

  private void scheduleNext(Duration delay) {
    if (!thread.isShutdown()) {
      thread.schedule(this::relayRound, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Producer<String, String> createProducer() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "saguaro-ingest-outbox");
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    int deliveryMs = (int) config.outbox().deliveryTimeout().toMillis();
    int requestMs = Math.max(1000, deliveryMs / 2);
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestMs);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs);
    properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 2000);
    return new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
  }

  private static String truncate(String text) {
    return text.length() <= 2000 ? text : text.substring(0, 2000);
  }
}
