package dev.saguaro.ingest.api;

import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.ingest.api.ApiViews.ModelVersionView;
import dev.saguaro.ingest.api.ApiViews.ModelView;
import dev.saguaro.ingest.api.ApiViews.PinRequest;
import dev.saguaro.ingest.api.ApiViews.PinView;
import dev.saguaro.ingest.domain.DatasetService;
import dev.saguaro.ingest.models.ModelVersionService;
import dev.saguaro.ingest.models.ModelVersionService.Registration;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.ModelPin;
import dev.saguaro.ingest.storage.ModelVersion;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Model versions: upload by trainers, lookup, download, serving choice and pins. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models")
public class ModelResource {

  @Inject ModelVersionService versions;
  @Inject DatasetService datasets;
  @Inject CallerIdentity caller;

  @GET
  @Operation(summary = "List models with their newest and pinned versions")
  public List<ModelView> listModels() {
    List<ModelView> models = new ArrayList<>();
    for (Dataset dataset : datasets.listDatasets()) {
      List<ModelVersion> list = versions.listVersions(dataset.name);
      Long latest = list.isEmpty() ? null : list.get(0).version;
      Long pinned = versions.findPin(dataset.name).map(p -> p.version).orElse(null);
      models.add(new ModelView(dataset.name, latest, pinned));
    }
    return models;
  }

  @POST
  @Path("/{modelName}/versions")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(
      summary = "Upload a trained artifact (form fields runId and artifact)",
      description =
          "201 with the ModelArtifact; 200 when the same run uploads the same bytes again.")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response uploadVersion(
      @PathParam("modelName") String modelName,
      @RestForm("runId") String runId,
      @RestForm("artifact") FileUpload artifact) {
    if (artifact == null) {
      throw ProblemException.badRequest(
          "missing-file", "Form field 'artifact' is missing; send the model zip as 'artifact'");
    }
    Registration registration =
        versions.registerArtifact(modelName, runId, artifact.uploadedFile(), caller.name());
    ModelArtifact body = versions.toArtifact(registration.version());
    if (!registration.created()) {
      return Response.ok(body).build();
    }
    return Response.created(
            URI.create("/api/v1/models/" + modelName + "/versions/" + body.version()))
        .entity(body)
        .build();
  }

  @GET
  @Path("/{modelName}/versions")
  @Operation(summary = "List a model's versions, newest first")
  public List<ModelVersionView> listVersions(@PathParam("modelName") String modelName) {
    Optional<ModelPin> pin = versions.findPin(modelName);
    return versions.listVersions(modelName).stream().map(v -> toView(v, pin)).toList();
  }

  @GET
  @Path("/{modelName}/versions/{version}")
  @Operation(summary = "Get a version with its metrics, run, snapshot and checksum")
  public ModelVersionView getVersion(
      @PathParam("modelName") String modelName, @PathParam("version") long version) {
    return toView(versions.requireVersion(modelName, version), versions.findPin(modelName));
  }

  @GET
  @Path("/{modelName}/versions/{version}/artifact")
  @Produces({"application/zip", MediaType.APPLICATION_JSON})
  @Operation(summary = "Download the artifact zip; header X-Checksum-SHA256 carries its hash")
  public Response downloadArtifact(
      @PathParam("modelName") String modelName, @PathParam("version") long version) {
    ModelVersion found = versions.requireVersion(modelName, version);
    StreamingOutput body =
        out -> {
          try (InputStream in = versions.openArtifact(found)) {
            in.transferTo(out);
          }
        };
    return Response.ok(body, "application/zip")
        .header("X-Checksum-SHA256", found.sha256)
        .header("Content-Length", found.sizeBytes)
        .header(
            "Content-Disposition", "attachment; filename=\"" + modelName + "-" + version + ".zip\"")
        .build();
  }

  @GET
  @Path("/{modelName}/serving")
  @Operation(summary = "The version to serve: the pinned one, else the newest")
  public ModelArtifact getServingVersion(@PathParam("modelName") String modelName) {
    ModelVersion serving =
        versions
            .findServingVersion(modelName)
            .orElseThrow(
                () ->
                    ProblemException.notFound(
                        "no-model-version",
                        "Model '"
                            + modelName
                            + "' has no version yet; train one with POST"
                            + " /api/v1/runs"));
    return versions.toArtifact(serving);
  }

  @PUT
  @Path("/{modelName}/pin")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Serve this version until the pin is released; announced on Kafka")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public PinView pinVersion(@PathParam("modelName") String modelName, PinRequest request) {
    if (request == null || request.version() == null) {
      throw ProblemException.badRequest(
          "missing-version", "The pin needs a version; send {\"version\": N}");
    }
    ModelPin pin = versions.pinVersion(modelName, request.version(), caller.name());
    return new PinView(pin.modelName, pin.version, pin.pinnedBy, pin.pinnedAt);
  }

  @DELETE
  @Path("/{modelName}/pin")
  @Operation(summary = "Release the pin so the newest version is served; announced on Kafka")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response releasePin(@PathParam("modelName") String modelName) {
    versions.releasePin(modelName, caller.name());
    return Response.noContent().build();
  }

  private ModelVersionView toView(ModelVersion version, Optional<ModelPin> pin) {
    ModelArtifact artifact = versions.toArtifact(version);
    boolean pinned = pin.isPresent() && pin.get().version == version.version;
    return new ModelVersionView(
        version.modelName,
        version.version,
        version.runId,
        version.snapshotId,
        version.sha256,
        version.sizeBytes,
        artifact.classNames(),
        version.imageSize,
        artifact.artifactUri(),
        pinned,
        versions.finalMetrics(version).orElse(null),
        version.uploadedBy,
        version.createdAt);
  }
}
