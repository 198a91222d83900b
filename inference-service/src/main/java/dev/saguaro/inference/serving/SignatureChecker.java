package dev.saguaro.inference.serving;

import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.contracts.ModelSignatures;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * Checks that a loaded SavedModel offers the {@code serving_default}, {@code preprocess} and {@code
 * classify} signatures with the names, types and shapes the model contract fixes, and resolves the
 * graph endpoints that serving feeds and fetches. Dimensions the graph leaves unknown are accepted
 * here; warm-up checks the shapes that actually come out.
 */
final class SignatureChecker {

  LoadedModel.SignatureEndpoints check(SavedModelBundle bundle, ModelMetadata metadata)
      throws ModelLoadException {
    long size = metadata.imageSize();
    long classes = metadata.classNames().size();

    Signature servingDefault = find(bundle, ModelSignatures.SERVING_DEFAULT);
    requireTensor(servingDefault, true, ModelSignatures.INPUT_IMAGE_BYTES, DataType.DT_STRING);
    requireTensor(
        servingDefault, false, ModelSignatures.OUTPUT_PROBABILITIES, DataType.DT_FLOAT, 1, classes);

    Signature preprocess = find(bundle, ModelSignatures.PREPROCESS);
    Signature.TensorDescription preprocessIn =
        requireTensor(preprocess, true, ModelSignatures.INPUT_IMAGE_BYTES, DataType.DT_STRING);
    Signature.TensorDescription preprocessOut =
        requireTensor(
            preprocess, false, ModelSignatures.IMAGES, DataType.DT_FLOAT, 1, size, size, 3);

    Signature classify = find(bundle, ModelSignatures.CLASSIFY);
    Signature.TensorDescription classifyIn =
        requireTensor(classify, true, ModelSignatures.IMAGES, DataType.DT_FLOAT, -1, size, size, 3);
    Signature.TensorDescription classifyOut =
        requireTensor(
            classify, false, ModelSignatures.OUTPUT_PROBABILITIES, DataType.DT_FLOAT, -1, classes);

    return new LoadedModel.SignatureEndpoints(
        resolve(bundle, preprocessIn),
        resolve(bundle, preprocessOut),
        resolve(bundle, classifyIn),
        resolve(bundle, classifyOut));
  }

  private static Signature find(SavedModelBundle bundle, String key) throws ModelLoadException {
    for (Signature signature : bundle.signatures()) {
      if (signature.key().equals(key)) {
        return signature;
      }
    }
    throw new ModelLoadException(
        LoadStep.CHECK_SIGNATURES,
        "the SavedModel has no '" + key + "' signature; it has " + signatureKeys(bundle));
  }

  /**
   * Checks one input or output. An expected dimension of -1 accepts any size; a dimension the graph
   * leaves unknown is accepted too.
   */
  private static Signature.TensorDescription requireTensor(
      Signature signature, boolean input, String name, DataType type, long... expectedShape)
      throws ModelLoadException {
    Map<String, Signature.TensorDescription> tensors =
        input ? signature.getInputs() : signature.getOutputs();
    String role = input ? "input" : "output";
    Signature.TensorDescription description = tensors.get(name);
    if (description == null) {
      throw new ModelLoadException(
          LoadStep.CHECK_SIGNATURES,
          "signature '"
              + signature.key()
              + "' has no "
              + role
              + " '"
              + name
              + "'; it has "
              + tensors.keySet());
    }
    if (description.dataType != type) {
      throw new ModelLoadException(
          LoadStep.CHECK_SIGNATURES,
          "signature '"
              + signature.key()
              + "' "
              + role
              + " '"
              + name
              + "' is "
              + description.dataType
              + ", expected "
              + type);
    }
    Shape shape = description.shape;
    if (shape != null && !shape.isUnknown() && !fits(shape, expectedShape)) {
      throw new ModelLoadException(
          LoadStep.CHECK_SIGNATURES,
          "signature '"
              + signature.key()
              + "' "
              + role
              + " '"
              + name
              + "' has shape "
              + shape
              + ", expected "
              + java.util.Arrays.toString(expectedShape).replace("-1", "any"));
    }
    return description;
  }

  private static boolean fits(Shape shape, long[] expected) {
    if (shape.numDimensions() != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      long actual = shape.get(i);
      if (expected[i] >= 0 && actual >= 0 && actual != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static Output<?> resolve(SavedModelBundle bundle, Signature.TensorDescription description)
      throws ModelLoadException {
    String name = description.name;
    int colon = name.lastIndexOf(':');
    String operationName = colon < 0 ? name : name.substring(0, colon);
    int index = colon < 0 ? 0 : Integer.parseInt(name.substring(colon + 1));
    GraphOperation operation = bundle.graph().operation(operationName);
    if (operation == null) {
      throw new ModelLoadException(
          LoadStep.CHECK_SIGNATURES, "the graph has no operation '" + operationName + "'");
    }
    return operation.output(index);
  }

  private static String signatureKeys(SavedModelBundle bundle) {
    return bundle.signatures().stream().map(Signature::key).sorted().toList().toString();
  }
}
