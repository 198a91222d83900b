package dev.saguaro.trainer.health;

import dev.saguaro.trainer.config.TrainerIdentity;
import dev.saguaro.trainer.service.TrainingRunDispatcher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness entry that shows the trainer's id and how many run slots are busy. Busy slots are normal
 * work, so this check is always up; readiness comes from the Kafka connector's own checks of the
 * trainer's channels.
 */
@Liveness
@ApplicationScoped
public class TrainingSlotsHealthCheck implements HealthCheck {

  private final TrainerIdentity identity;
  private final TrainingRunDispatcher dispatcher;

  public TrainingSlotsHealthCheck(TrainerIdentity identity, TrainingRunDispatcher dispatcher) {
    this.identity = identity;
    this.dispatcher = dispatcher;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("training-slots")
        .up()
        .withData("trainerId", identity.trainerId())
        .withData("busySlots", dispatcher.busySlots())
        .withData("maxConcurrentRuns", dispatcher.slotCapacity())
        .build();
  }
}
