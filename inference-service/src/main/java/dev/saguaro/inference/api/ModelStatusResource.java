package dev.saguaro.inference.api;

import dev.saguaro.inference.serving.ModelLifecycle;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Read-only view of the models announced to this replica and the state of their versions. Rooted at
 * {@code /api/v1} like {@link PredictionResource}, because JAX-RS picks the resource class by its
 * longest matching path before it looks at methods.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ModelStatusResource {

  private final ModelLifecycle lifecycle;

  public ModelStatusResource(ModelLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @GET
  @Path("/models")
  @Operation(summary = "List every announced model with its serving version and version states")
  public List<ModelStatusResponse> listModels() {
    return lifecycle.status().stream().map(ModelStatusResponse::from).toList();
  }

  @GET
  @Path("/models/{modelName}")
  @Operation(summary = "Show one model's serving version and version states")
  public ModelStatusResponse getModel(@PathParam("modelName") String modelName) {
    return lifecycle
        .status(modelName)
        .map(ModelStatusResponse::from)
        .orElseThrow(
            () ->
                new ProblemException(
                    Problem.of(
                            404,
                            "model-not-found",
                            "Model not found",
                            "No version of model '"
                                + modelName
                                + "' has been announced to this replica; GET /api/v1/models lists "
                                + "the known models")
                        .with("model", modelName)));
  }
}
