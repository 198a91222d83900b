package dev.saguaro.trainer.api;

import dev.saguaro.trainer.config.TrainerIdentity;
import dev.saguaro.trainer.service.ActiveRun;
import dev.saguaro.trainer.service.TrainingRunDispatcher;
import dev.saguaro.trainer.service.TrainingRunRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/v1/status}: the runs this trainer works on, with their phase and epoch. */
@Path("/api/v1/status")
public class StatusResource {

  private final TrainerIdentity identity;
  private final TrainingRunRegistry registry;
  private final TrainingRunDispatcher dispatcher;

  public StatusResource(
      TrainerIdentity identity, TrainingRunRegistry registry, TrainingRunDispatcher dispatcher) {
    this.identity = identity;
    this.registry = registry;
    this.dispatcher = dispatcher;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public TrainerStatus status() {
    return new TrainerStatus(
        identity.trainerId(),
        dispatcher.slotCapacity(),
        dispatcher.busySlots(),
        registry.activeRuns().stream().map(StatusResource::toStatus).toList());
  }

  private static TrainerStatus.RunStatus toStatus(ActiveRun run) {
    return new TrainerStatus.RunStatus(
        run.runId(),
        run.attempt(),
        run.request().modelName(),
        run.request().snapshotId(),
        run.stage().name(),
        run.phase(),
        run.epoch(),
        run.totalEpochs(),
        run.isCancellationRequested(),
        run.registeredAt(),
        run.lastEpochMetrics());
  }
}
