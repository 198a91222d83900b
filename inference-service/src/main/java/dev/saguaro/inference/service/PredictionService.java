package dev.saguaro.inference.service;

import dev.saguaro.inference.batching.Classification;
import dev.saguaro.inference.batching.MicroBatcher;
import dev.saguaro.inference.serving.LoadedModel;
import dev.saguaro.inference.serving.ModelLifecycle;
import dev.saguaro.inference.serving.ModelUnavailableException;
import dev.saguaro.inference.serving.PreprocessedImage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/**
 * Runs a prediction request: takes a lease on the serving version, runs {@code preprocess} for each
 * image on the calling thread, hands the images to the {@link MicroBatcher} and waits for their
 * probabilities. All images of one request are classified by the same version. Thread-safe.
 */
@ApplicationScoped
public class PredictionService {

  private final ModelLifecycle lifecycle;
  private final MicroBatcher batcher;

  public PredictionService(ModelLifecycle lifecycle, MicroBatcher batcher) {
    this.lifecycle = lifecycle;
    this.batcher = batcher;
  }

  /**
   * Classifies {@code images} with the serving version of {@code modelName}.
   *
   * @throws ModelUnavailableException when the model has no serving version
   * @throws UndecodableImageException when an image is not a JPEG or PNG that can be decoded
   */
  public List<ImagePrediction> predict(String modelName, List<ImageInput> images)
      throws ModelUnavailableException, UndecodableImageException {
    LoadedModel model = lifecycle.acquireServing(modelName);
    List<PreprocessedImage> preprocessed = new ArrayList<>(images.size());
    List<CompletableFuture<Classification>> results = new ArrayList<>(images.size());
    long[] preprocessNanos = new long[images.size()];
    try {
      batcher.beginPreprocessing();
      try {
        for (int i = 0; i < images.size(); i++) {
          long started = System.nanoTime();
          PreprocessedImage image = preprocess(model, images.get(i), i);
          preprocessed.add(image);
          preprocessNanos[i] = System.nanoTime() - started;
          // A one-image request can run on this thread when the batcher is idle.
          results.add(
              images.size() == 1
                  ? batcher.classifyAlone(model, image)
                  : batcher.classify(model, image));
        }
      } finally {
        batcher.endPreprocessing();
      }
      return collect(model, images, results, preprocessNanos);
    } finally {
      // Every submitted image must be out of its batch before its tensor closes.
      results.forEach(PredictionService::awaitQuietly);
      preprocessed.forEach(PreprocessedImage::close);
      model.release();
    }
  }

  private static PreprocessedImage preprocess(LoadedModel model, ImageInput input, int index)
      throws UndecodableImageException {
    ImageFormats.requireJpegOrPng(input, index);
    try {
      return model.preprocess(input.bytes());
    } catch (TFInvalidArgumentException e) {
      throw new UndecodableImageException(
          index, describe(input, index) + " cannot be decoded: " + firstLine(e.getMessage()));
    }
  }

  private static List<ImagePrediction> collect(
      LoadedModel model,
      List<ImageInput> images,
      List<CompletableFuture<Classification>> results,
      long[] preprocessNanos) {
    List<ImagePrediction> predictions = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      Classification classification;
      try {
        classification = results.get(i).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
      }
      predictions.add(
          new ImagePrediction(
              images.get(i),
              classification.modelVersion(),
              model.classNames(),
              classification.probabilities(),
              preprocessNanos[i],
              classification.queueNanos(),
              classification.classifyNanos(),
              classification.batchSize()));
    }
    return predictions;
  }

  static String describe(ImageInput input, int index) {
    return input.name() == null ? "image " + index : "image " + index + " ('" + input.name() + "')";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "TensorFlow gave no reason";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).trim();
  }

  private static void awaitQuietly(CompletableFuture<Classification> result) {
    try {
      result.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      // The failure was already reported through collect().
    }
  }
}
