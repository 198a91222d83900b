package dev.saguaro.inference.api;

import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.metrics.InferenceMetrics;
import dev.saguaro.inference.service.ImageInput;
import dev.saguaro.inference.service.ImagePrediction;
import dev.saguaro.inference.service.PredictionService;
import dev.saguaro.inference.service.UndecodableImageException;
import dev.saguaro.inference.serving.ModelUnavailableException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Prediction endpoints: one image as a raw body, several as multipart file parts, or base64 images
 * in JSON, for a named model or for the default model. Runs on worker threads, because the call
 * blocks on TensorFlow.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class PredictionResource {

  private static final double NANOS_PER_MILLI = 1_000_000.0;

  private final PredictionService predictions;
  private final ImageBodies bodies;
  private final InferenceMetrics metrics;
  private final InferenceConfig config;

  public PredictionResource(
      PredictionService predictions,
      ImageBodies bodies,
      InferenceMetrics metrics,
      InferenceConfig config) {
    this.predictions = predictions;
    this.bodies = bodies;
    this.metrics = metrics;
    this.config = config;
  }

  @POST
  @Path("/models/{modelName}/predictions")
  @Consumes({"image/jpeg", "image/png"})
  @Operation(summary = "Classify one JPEG or PNG image sent as the raw body")
  public PredictionResponse predictRaw(@PathParam("modelName") String modelName, byte[] body) {
    return predict(modelName, () -> bodies.fromRawBody(body));
  }

  @POST
  @Path("/models/{modelName}/predictions")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(summary = "Classify one or several images sent as multipart file parts")
  public PredictionResponse predictMultipart(
      @PathParam("modelName") String modelName, @RestForm(FileUpload.ALL) List<FileUpload> files) {
    return predict(modelName, () -> bodies.fromMultipart(files));
  }

  @POST
  @Path("/models/{modelName}/predictions")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Classify one or several base64 images sent in JSON")
  public PredictionResponse predictJson(
      @PathParam("modelName") String modelName,
      @HeaderParam("Content-Length") Long contentLength,
      PredictionRequest request) {
    return predict(modelName, () -> bodies.fromJson(request, contentLength));
  }

  @POST
  @Path("/predictions")
  @Consumes({"image/jpeg", "image/png"})
  @Operation(summary = "Classify one raw image with the default model")
  public PredictionResponse predictRawWithDefault(byte[] body) {
    return predictRaw(config.defaultModel(), body);
  }

  @POST
  @Path("/predictions")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(summary = "Classify multipart images with the default model")
  public PredictionResponse predictMultipartWithDefault(
      @RestForm(FileUpload.ALL) List<FileUpload> files) {
    return predictMultipart(config.defaultModel(), files);
  }

  @POST
  @Path("/predictions")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Classify base64 images with the default model")
  public PredictionResponse predictJsonWithDefault(
      @HeaderParam("Content-Length") Long contentLength, PredictionRequest request) {
    return predictJson(config.defaultModel(), contentLength, request);
  }

  private PredictionResponse predict(String modelName, ImageReader reader) {
    String outcome = "success";
    long started = System.nanoTime();
    try {
      List<ImageInput> images = reader.read();
      started = System.nanoTime();
      List<ImagePrediction> results = predictions.predict(modelName, images);
      return toResponse(modelName, results, System.nanoTime() - started);
    } catch (ModelUnavailableException e) {
      outcome = e.known() ? "503" : "404";
      throw unavailable(e);
    } catch (UndecodableImageException e) {
      outcome = "422";
      throw new ProblemException(
          Problem.of(
                  422,
                  "undecodable-image",
                  "Undecodable image",
                  e.getMessage() + ". Send a complete JPEG or PNG file")
              .with("imageIndex", e.index()));
    } catch (ProblemException e) {
      outcome = Integer.toString(e.problem().status());
      throw e;
    } catch (RuntimeException e) {
      outcome = "500";
      throw e;
    } finally {
      metrics.recordRequest(modelName, outcome, System.nanoTime() - started);
    }
  }

  private ProblemException unavailable(ModelUnavailableException e) {
    if (!e.known()) {
      return new ProblemException(
          Problem.of(
                  404,
                  "model-not-found",
                  "Model not found",
                  e.getMessage() + "; GET /api/v1/models lists the models this service knows")
              .with("model", e.modelName()));
    }
    int retryAfter = config.retryAfterSeconds();
    return new ProblemException(
        Problem.of(
                503,
                "model-not-loaded",
                "No model version is serving",
                e.getMessage() + "; retry in " + retryAfter + " s")
            .with("model", e.modelName()),
        ImageBodies.retryAfter(retryAfter));
  }

  private static PredictionResponse toResponse(
      String modelName, List<ImagePrediction> results, long nanos) {
    List<PredictionResponse.Prediction> predictions = new ArrayList<>(results.size());
    for (int i = 0; i < results.size(); i++) {
      ImagePrediction result = results.get(i);
      Map<String, Float> probabilities = new LinkedHashMap<>();
      for (int c = 0; c < result.classNames().size(); c++) {
        probabilities.put(result.classNames().get(c), result.probabilities()[c]);
      }
      int best = result.predictedIndex();
      long imageNanos = result.preprocessNanos() + result.queueNanos() + result.classifyNanos();
      predictions.add(
          new PredictionResponse.Prediction(
              i,
              result.input().name(),
              result.classNames().get(best),
              result.probabilities()[best],
              probabilities,
              result.modelVersion(),
              imageNanos / NANOS_PER_MILLI,
              new PredictionResponse.Timing(
                  result.preprocessNanos() / NANOS_PER_MILLI,
                  result.queueNanos() / NANOS_PER_MILLI,
                  result.classifyNanos() / NANOS_PER_MILLI,
                  result.batchSize())));
    }
    return new PredictionResponse(modelName, nanos / NANOS_PER_MILLI, predictions);
  }

  /** Reads the images of one request, raising a {@link ProblemException} for a bad body. */
  @FunctionalInterface
  private interface ImageReader {
    List<ImageInput> read();
  }
}
