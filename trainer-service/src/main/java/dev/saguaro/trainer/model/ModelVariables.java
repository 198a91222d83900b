package dev.saguaro.trainer.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The model variables of one graph, named {@code <layerName>.<weightName>}, each with an assign op
 * fed from a placeholder so that any source (ImageNet file, earlier model, random values, the other
 * phase's graph) sets them the same way.
 *
 * <p>The variables have no initializer of their own: call {@link #assign} for every variable before
 * the first run that reads them. Not thread-safe; the graph and session belong to the caller.
 */
public final class ModelVariables {

  private final Map<String, VariableSpec> specs = new LinkedHashMap<>();
  private final Map<String, Variable<TFloat32>> variables = new LinkedHashMap<>();
  private final Map<String, Placeholder<TFloat32>> initialValues = new LinkedHashMap<>();
  private final Map<String, Assign<TFloat32>> assigns = new LinkedHashMap<>();

  /** Creates every variable of {@code architecture} in the graph of {@code tf}. */
  public ModelVariables(Ops tf, MobileNetV2Architecture architecture) {
    for (VariableSpec spec : architecture.variables()) {
      Shape shape = Shape.of(spec.shape());
      Variable<TFloat32> variable = tf.withName(spec.name()).variable(shape, TFloat32.class);
      Placeholder<TFloat32> initialValue =
          tf.withName(spec.name() + "-initial_value")
              .placeholder(TFloat32.class, Placeholder.shape(shape));
      specs.put(spec.name(), spec);
      variables.put(spec.name(), variable);
      initialValues.put(spec.name(), initialValue);
      assigns.put(spec.name(), tf.withName(spec.name() + "-assign").assign(variable, initialValue));
    }
  }

  /** Returns the variable with this name. */
  public Variable<TFloat32> variable(String name) {
    Variable<TFloat32> variable = variables.get(name);
    if (variable == null) {
      throw new IllegalArgumentException("No model variable named " + name);
    }
    return variable;
  }

  /** Returns the variable specifications in layer order. */
  public Map<String, VariableSpec> specs() {
    return Collections.unmodifiableMap(specs);
  }

  /**
   * Assigns values to variables by name in one session run.
   *
   * @throws IllegalArgumentException when a name is unknown or a shape differs from the variable's
   */
  public void assign(Session session, Map<String, TensorValue> values) {
    Session.Runner runner = session.runner();
    List<Tensor> fed = new java.util.ArrayList<>();
    try {
      for (Map.Entry<String, TensorValue> entry : values.entrySet()) {
        String name = entry.getKey();
        VariableSpec spec = specs.get(name);
        if (spec == null) {
          throw new IllegalArgumentException("No model variable named " + name);
        }
        TensorValue value = entry.getValue();
        if (!Arrays.equals(spec.shape(), value.shape())) {
          throw new IllegalArgumentException(
              "Variable "
                  + name
                  + " has shape "
                  + Arrays.toString(spec.shape())
                  + " but the value has shape "
                  + Arrays.toString(value.shape()));
        }
        TFloat32 tensor =
            TFloat32.tensorOf(Shape.of(value.shape()), DataBuffers.of(value.values(), true, false));
        fed.add(tensor);
        runner.feed(initialValues.get(name), tensor).addTarget(assigns.get(name));
      }
      if (!runner.isEmpty()) {
        runner.run().close();
      }
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** Reads the current value of every variable in one session run. */
  public Map<String, TensorValue> read(Session session) {
    Session.Runner runner = session.runner();
    List<String> names = List.copyOf(variables.keySet());
    for (String name : names) {
      runner.fetch(variables.get(name));
    }
    Map<String, TensorValue> values = new LinkedHashMap<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < names.size(); i++) {
        VariableSpec spec = specs.get(names.get(i));
        float[] array = new float[spec.size()];
        ((TFloat32) result.get(i)).copyTo(DataBuffers.of(array, false, false));
        values.put(names.get(i), new TensorValue(spec.shape(), array));
      }
    }
    return values;
  }
}
