package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.CreateDatasetRequest;
import dev.saguaro.ingest.api.ApiViews.DatasetView;
import dev.saguaro.ingest.api.ApiViews.SnapshotView;
import dev.saguaro.ingest.domain.DatasetService;
import dev.saguaro.ingest.runs.SnapshotService;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.DatasetSnapshot;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Datasets and their snapshots. */
@Path("/api/v1/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Datasets")
public class DatasetResource {

  @Inject DatasetService datasets;
  @Inject SnapshotService snapshots;
  @Inject CallerIdentity caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Create a dataset, optionally with a fixed set of classes")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response createDataset(CreateDatasetRequest request) {
    if (request == null) {
      throw ProblemException.badRequest(
          "missing-body", "The request body is missing; send {\"name\": ..., \"classes\": [...]}");
    }
    Dataset dataset = datasets.createDataset(request.name(), request.classes());
    return Response.created(URI.create("/api/v1/datasets/" + dataset.name))
        .entity(toView(dataset, Map.of()))
        .build();
  }

  @GET
  @Operation(summary = "List datasets with their image counts per class")
  public List<DatasetView> listDatasets() {
    List<DatasetView> views = new ArrayList<>();
    for (Dataset dataset : datasets.listDatasets()) {
      views.add(toView(dataset, datasets.countImagesPerLabel(dataset.name)));
    }
    return views;
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "Get a dataset with its image counts per class")
  public DatasetView getDataset(@PathParam("name") String name) {
    Dataset dataset = datasets.requireDataset(name);
    return toView(dataset, datasets.countImagesPerLabel(name));
  }

  @POST
  @Path("/{name}/snapshots")
  @Operation(summary = "Take an immutable snapshot of the dataset's images and labels")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response createSnapshot(@PathParam("name") String name) {
    DatasetSnapshot snapshot =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  datasets.requireDataset(name);
                  return snapshots.createSnapshot(name, caller.name());
                });
    return Response.created(URI.create("/api/v1/snapshots/" + snapshot.id))
        .entity(SnapshotResource.toView(snapshot, snapshots))
        .build();
  }

  @GET
  @Path("/{name}/snapshots")
  @Operation(summary = "List the dataset's snapshots, newest first")
  public List<SnapshotView> listSnapshots(@PathParam("name") String name) {
    datasets.requireDataset(name);
    return snapshots.listSnapshots(name).stream()
        .map(s -> SnapshotResource.toView(s, snapshots))
        .toList();
  }

  private DatasetView toView(Dataset dataset, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    return new DatasetView(
        dataset.name, datasets.declaredClasses(dataset), total, counts, dataset.createdAt);
  }
}
