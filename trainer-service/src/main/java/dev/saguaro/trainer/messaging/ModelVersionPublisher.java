package dev.saguaro.trainer.messaging;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.EpochMetrics;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.trainer.config.TrainerIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Announces newly stored model versions on the model-version topic under the model's latest key, so
 * that every inference replica loads them. Thread-safe.
 */
@ApplicationScoped
public class ModelVersionPublisher {

  @Inject
  @Channel(Channels.MODEL_VERSIONS)
  Emitter<String> emitter;

  @Inject TrainerIdentity identity;

  /**
   * Publishes a NEW_VERSION announcement of {@code model}, trained by {@code request}; the stage
   * completes when Kafka acknowledged it.
   */
  public CompletionStage<Void> announceNewVersion(
      TrainingRequest request, ModelArtifact model, EpochMetrics finalMetrics) {
    ModelVersionAnnouncement announcement =
        new ModelVersionAnnouncement(
            SchemaVersion.CURRENT,
            model.modelName(),
            AnnouncementKind.NEW_VERSION,
            model,
            request.runId(),
            request.snapshotId(),
            finalMetrics == null ? null : finalMetrics.validationAccuracy(),
            finalMetrics == null ? null : finalMetrics.validationAuc(),
            identity.trainerId(),
            Instant.now());
    return KafkaSends.send(emitter, announcement.key(), ContractCodec.encode(announcement));
  }
}
