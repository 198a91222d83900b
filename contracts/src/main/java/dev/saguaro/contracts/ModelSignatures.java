package dev.saguaro.contracts;

/**
 * The interface of an exported model, shared by the trainer that writes it and the inference
 * service that loads it.
 *
 * <p>The SavedModel carries its own preprocessing so that serving cannot drift from training: JPEG
 * or PNG bytes are decoded to RGB, resized bilinearly (half-pixel centers) to the input size and
 * scaled to [-1, 1] with {@code x / 127.5 - 1} inside the graph. The decode ops of TensorFlow take
 * one image at a time, so the model offers a per-image {@link #PREPROCESS} signature and a batched
 * {@link #CLASSIFY} signature; {@link #SERVING_DEFAULT} chains both for one image. Probabilities
 * always have one column per class, in the order of the metadata's class names; a binary model's
 * sigmoid output {@code p} is returned as {@code [1 - p, p]}.
 */
public final class ModelSignatures {

  /** One encoded image (string scalar) to probabilities {@code float32 [1, classes]}. */
  public static final String SERVING_DEFAULT = "serving_default";

  /** One encoded image (string scalar) to {@code float32 [1, size, size, 3]} in [-1, 1]. */
  public static final String PREPROCESS = "preprocess";

  /** {@code float32 [batch, size, size, 3]} to probabilities {@code float32 [batch, classes]}. */
  public static final String CLASSIFY = "classify";

  /** Input name of {@link #SERVING_DEFAULT} and {@link #PREPROCESS}. */
  public static final String INPUT_IMAGE_BYTES = "image_bytes";

  /** Output name of {@link #PREPROCESS} and input name of {@link #CLASSIFY}. */
  public static final String IMAGES = "images";

  /** Output name of {@link #SERVING_DEFAULT} and {@link #CLASSIFY}. */
  public static final String OUTPUT_PROBABILITIES = "probabilities";

  /** Tag of the exported meta graph. */
  public static final String SERVE_TAG = "serve";

  /** Path, inside the artifact zip and the SavedModel directory, of the {@link ModelMetadata}. */
  public static final String METADATA_ENTRY = "assets.extra/saguaro-model.json";

  private ModelSignatures() {}
}
