package dev.saguaro.trainer.messaging;

import dev.saguaro.trainer.service.ActiveRun;
import dev.saguaro.trainer.service.TrainedModelObserver;
import dev.saguaro.trainer.training.TrainedModel;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces the service's no-op observer in tests: for runs a test registered probe images for, it
 * stores the trained model's own predictions on them, taken before export.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class RecordingTrainedModelObserver implements TrainedModelObserver {

  private final Map<String, List<byte[]>> probesByRun = new ConcurrentHashMap<>();
  private final Map<String, float[][]> predictionsByRun = new ConcurrentHashMap<>();

  /** Asks for the predictions of run {@code runId}'s model on {@code images}. */
  public void probe(String runId, List<byte[]> images) {
    probesByRun.put(runId, images);
  }

  /**
   * Returns the recorded predictions of run {@code runId}, or {@code null} before the model exists.
   */
  public float[][] predictionsOf(String runId) {
    return predictionsByRun.get(runId);
  }

  @Override
  public void onModelTrained(ActiveRun run, TrainedModel model) {
    List<byte[]> probes = probesByRun.get(run.runId());
    if (probes != null) {
      predictionsByRun.put(run.runId(), model.predict(probes));
    }
  }
}
