package dev.saguaro.inference.health;

import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.serving.ModelLifecycle;
import dev.saguaro.inference.serving.ModelStatus;
import dev.saguaro.inference.serving.ModelVersionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once a version of the default model ({@code saguaro.inference.default-model}) serves; until
 * then predictions return 503, so a load balancer should send nothing here. The data names the
 * reason while it is down.
 */
@Readiness
@ApplicationScoped
public class ModelServingReadinessCheck implements HealthCheck {

  private final ModelLifecycle lifecycle;
  private final String defaultModel;

  public ModelServingReadinessCheck(ModelLifecycle lifecycle, InferenceConfig config) {
    this.lifecycle = lifecycle;
    this.defaultModel = config.defaultModel();
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("model-serving").withData("model", defaultModel);
    Optional<ModelStatus> status = lifecycle.status(defaultModel);
    if (status.isPresent() && status.get().servingVersion() != null) {
      return response.up().withData("servingVersion", status.get().servingVersion()).build();
    }
    return response.down().withData("reason", reasonNotServing(status)).build();
  }

  private String reasonNotServing(Optional<ModelStatus> status) {
    if (!lifecycle.isCaughtUp()) {
      return "reading model announcements";
    }
    if (status.isEmpty()) {
      return "no version of model '" + defaultModel + "' has been announced";
    }
    ModelStatus model = status.get();
    Long target = model.pinnedVersion() != null ? model.pinnedVersion() : model.newestVersion();
    for (ModelVersionStatus version : model.versions()) {
      if (target != null && version.version() == target) {
        return version.failureReason() == null
            ? "version " + target + " is " + version.state()
            : "version " + target + " failed: " + version.failureReason();
      }
    }
    return target == null
        ? "no version is selected to serve"
        : "version " + target + " is waiting to load";
  }
}
