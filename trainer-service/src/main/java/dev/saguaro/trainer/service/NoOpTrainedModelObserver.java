package dev.saguaro.trainer.service;

import dev.saguaro.trainer.training.TrainedModel;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@link TrainedModelObserver} of a running service: it does nothing. */
@DefaultBean
@ApplicationScoped
public class NoOpTrainedModelObserver implements TrainedModelObserver {

  @Override
  public void onModelTrained(ActiveRun run, TrainedModel model) {}
}
