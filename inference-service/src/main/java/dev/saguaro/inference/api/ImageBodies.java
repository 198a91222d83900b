package dev.saguaro.inference.api;

import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.service.ImageInput;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Reads the images of a prediction request from its three body forms and enforces the size limits,
 * raising a {@link ProblemException} with 400, 413 or 415 for what cannot be accepted.
 */
@ApplicationScoped
public class ImageBodies {

  private static final String JPEG = "image/jpeg";
  private static final String PNG = "image/png";
  private static final String OCTET_STREAM = "application/octet-stream";

  private final InferenceConfig.Limits limits;

  public ImageBodies(InferenceConfig config) {
    this.limits = config.limits();
  }

  /**
   * Takes a raw {@code image/jpeg} or {@code image/png} body, which the HTTP layer has already read
   * in full on its I/O thread (up to {@code quarkus.http.limits.max-body-size}).
   */
  public List<ImageInput> fromRawBody(byte[] body) {
    boolean imageLimitApplies = limits.maxImageBytes() <= limits.maxRequestBytes();
    long limit = imageLimitApplies ? limits.maxImageBytes() : limits.maxRequestBytes();
    String key = imageLimitApplies ? "max-image-bytes" : "max-request-bytes";
    if (body.length > limit) {
      throw tooLarge("The image has " + body.length + " bytes", limit, key);
    }
    return List.of(new ImageInput(null, body));
  }

  /** Reads every file part of a {@code multipart/form-data} body. */
  public List<ImageInput> fromMultipart(List<FileUpload> files) {
    if (files == null || files.isEmpty()) {
      throw badRequest(
          "The multipart body has no file part; send each image as a file part, for example "
              + "curl -F image=@photo.jpg");
    }
    requireCount(files.size());
    long total = 0;
    List<ImageInput> images = new ArrayList<>(files.size());
    for (FileUpload file : files) {
      requireImageType(file);
      if (file.size() > limits.maxImageBytes()) {
        throw tooLarge(
            "Part '" + file.name() + "' (" + file.fileName() + ") has " + file.size() + " bytes",
            limits.maxImageBytes(),
            "max-image-bytes");
      }
      total += file.size();
      if (total > limits.maxRequestBytes()) {
        throw tooLarge(
            "The images add up to more than " + limits.maxRequestBytes() + " bytes",
            limits.maxRequestBytes(),
            "max-request-bytes");
      }
      images.add(new ImageInput(file.fileName(), readFile(file)));
    }
    return images;
  }

  /** Decodes the base64 images of a JSON body. */
  public List<ImageInput> fromJson(PredictionRequest request, Long contentLength) {
    if (contentLength != null && contentLength > limits.maxRequestBytes()) {
      throw tooLarge(
          "The body has " + contentLength + " bytes",
          limits.maxRequestBytes(),
          "max-request-bytes");
    }
    if (request == null || request.images() == null || request.images().isEmpty()) {
      throw badRequest(
          "The JSON body lists no images; expected {\"images\": [{\"name\": \"...\", \"data\": "
              + "\"<base64>\"}]}");
    }
    requireCount(request.images().size());
    List<ImageInput> images = new ArrayList<>(request.images().size());
    for (int i = 0; i < request.images().size(); i++) {
      PredictionRequest.EncodedImage encoded = request.images().get(i);
      if (encoded == null || encoded.data() == null || encoded.data().isBlank()) {
        throw badRequest("images[" + i + "].data is missing; put the base64 image bytes there");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(encoded.data());
      } catch (IllegalArgumentException e) {
        throw badRequest("images[" + i + "].data is not valid base64: " + e.getMessage());
      }
      if (bytes.length > limits.maxImageBytes()) {
        throw tooLarge(
            "images[" + i + "] has " + bytes.length + " bytes",
            limits.maxImageBytes(),
            "max-image-bytes");
      }
      images.add(new ImageInput(encoded.name(), bytes));
    }
    return images;
  }

  private void requireCount(int count) {
    if (count > limits.maxImagesPerRequest()) {
      throw new ProblemException(
          Problem.of(
                  413,
                  "too-many-images",
                  "Too many images",
                  "The request has "
                      + count
                      + " images; at most "
                      + limits.maxImagesPerRequest()
                      + " are accepted (saguaro.inference.limits.max-images-per-request). "
                      + "Split it into several requests")
              .with("maxImagesPerRequest", limits.maxImagesPerRequest()));
    }
  }

  private static void requireImageType(FileUpload file) {
    String type = file.contentType() == null ? "" : file.contentType().toLowerCase(Locale.ROOT);
    int parameters = type.indexOf(';');
    String bare = (parameters < 0 ? type : type.substring(0, parameters)).trim();
    if (!bare.equals(JPEG) && !bare.equals(PNG) && !bare.equals(OCTET_STREAM)) {
      throw new ProblemException(
          Problem.of(
              415,
              "unsupported-media-type",
              "Unsupported media type",
              "Part '"
                  + file.name()
                  + "' ("
                  + file.fileName()
                  + ") has type '"
                  + file.contentType()
                  + "'; image parts must be image/jpeg or image/png"));
    }
  }

  private static byte[] readFile(FileUpload file) {
    try {
      return Files.readAllBytes(file.uploadedFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the uploaded part " + file.name(), e);
    }
  }

  private static ProblemException tooLarge(String what, long limit, String key) {
    return new ProblemException(
        Problem.of(
                413,
                "too-large",
                "Request too large",
                what
                    + "; the limit is "
                    + limit
                    + " bytes (saguaro.inference.limits."
                    + key
                    + "). Send a smaller image")
            .with("limitBytes", limit));
  }

  private static ProblemException badRequest(String detail) {
    return new ProblemException(Problem.of(400, "invalid-request", "Invalid request", detail));
  }

  /** Headers of a 503 response. */
  static Map<String, String> retryAfter(int seconds) {
    return Map.of("Retry-After", Integer.toString(seconds));
  }
}
