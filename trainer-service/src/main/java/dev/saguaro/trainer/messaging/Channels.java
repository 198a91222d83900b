package dev.saguaro.trainer.messaging;

/**
 * Channel names of the trainer. Each channel is bound to its topic in {@code
 * application.properties}; the topics default to the {@code Topics} constants of the contracts:
 *
 * <ul>
 *   <li>{@link #TRAINING_REQUESTS} reads {@code saguaro.training-requests} in the group shared by
 *       every trainer;
 *   <li>{@link #TRAINING_CONTROL} reads {@code saguaro.training-control} in a group of its own per
 *       instance, so that every trainer receives every cancellation;
 *   <li>{@link #TRAINING_EVENTS} writes {@code saguaro.training-events};
 *   <li>{@link #MODEL_VERSIONS} writes {@code saguaro.model-versions}.
 * </ul>
 */
public final class Channels {

  public static final String TRAINING_REQUESTS = "training-requests-in";
  public static final String TRAINING_CONTROL = "training-control-in";
  public static final String TRAINING_EVENTS = "training-events-out";
  public static final String MODEL_VERSIONS = "model-versions-out";

  private Channels() {}
}
