package dev.saguaro.ingest.messaging;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.TrainingCancellation;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.contracts.VersionedMessage;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.storage.OutboxMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Appends Kafka records to the outbox in the caller's transaction, so a record exists exactly when
 * the change it announces is committed. {@link OutboxRelay} publishes them.
 */
@ApplicationScoped
public class OutboxWriter {

  @Inject IngestConfig config;

  /** Queues a training request, keyed by run id. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void appendTrainingRequest(TrainingRequest request) {
    append(config.topics().trainingRequests(), request.runId(), request);
  }

  /** Queues a cancellation, keyed by run id. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void appendCancellation(TrainingCancellation cancellation) {
    append(config.topics().trainingControl(), cancellation.runId(), cancellation);
  }

  /** Queues a model version announcement under its own key. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void appendAnnouncement(ModelVersionAnnouncement announcement) {
    append(config.topics().modelVersions(), announcement.key(), announcement);
  }

  private void append(String topic, String key, VersionedMessage message) {
    OutboxMessage row = new OutboxMessage();
    row.topic = topic;
    row.messageKey = key;
    row.messageType = message.getClass().getSimpleName();
    row.payload = ContractCodec.encode(message);
    row.createdAt = Instant.now();
    row.persist();
  }
}
