package dev.saguaro.inference.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * Response to a prediction request.
 *
 * @param model the model name
 * @param durationMs time from the end of the body read to the response, in milliseconds
 * @param predictions one entry per image, in request order
 */
public record PredictionResponse(String model, double durationMs, List<Prediction> predictions) {

  /**
   * The result for one image.
   *
   * @param index position of the image in the request, from 0
   * @param name the client's name for the image, if it gave one
   * @param predictedClass the most probable class
   * @param probability the probability of {@code predictedClass}
   * @param probabilities probability of every class, in the model's class order
   * @param modelVersion the version that computed the result
   * @param durationMs time spent on this image (preprocess, queue and classify), in milliseconds
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Prediction(
      int index,
      String name,
      String predictedClass,
      float probability,
      Map<String, Float> probabilities,
      long modelVersion,
      double durationMs,
      Timing timing) {}

  /**
   * Where an image's time went, in milliseconds.
   *
   * @param batchSize images in the classify call that computed this one
   */
  public record Timing(double preprocessMs, double queueMs, double classifyMs, int batchSize) {}
}
