package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.SnapshotView;
import dev.saguaro.ingest.runs.SnapshotArchiveWriter;
import dev.saguaro.ingest.runs.SnapshotService;
import dev.saguaro.ingest.storage.DatasetSnapshot;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Snapshots and their archives, which trainers download. */
@Path("/api/v1/snapshots")
@Tag(name = "Snapshots")
public class SnapshotResource {

  @Inject SnapshotService snapshots;
  @Inject SnapshotArchiveWriter archiveWriter;

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Get a snapshot with its size and class counts")
  public SnapshotView getSnapshot(@PathParam("id") UUID id) {
    return toView(snapshots.requireSnapshot(id), snapshots);
  }

  @GET
  @Path("/{id}/archive")
  @Produces({"application/zip", MediaType.APPLICATION_JSON})
  @Operation(
      summary = "Stream the snapshot as a zip",
      description =
          "Entries: manifest.json (SnapshotManifest), labels.csv (image_id,label,file), then"
              + " images/<file>.")
  public Response streamArchive(@PathParam("id") UUID id) {
    DatasetSnapshot snapshot = snapshots.requireSnapshot(id);
    StreamingOutput body = out -> archiveWriter.writeArchive(snapshot, out);
    return Response.ok(body, "application/zip")
        .header("Content-Disposition", "attachment; filename=\"snapshot-" + id + ".zip\"")
        .build();
  }

  static SnapshotView toView(DatasetSnapshot snapshot, SnapshotService snapshots) {
    Map<String, Integer> counts = snapshots.classCounts(snapshot);
    return new SnapshotView(
        snapshot.id,
        snapshot.datasetName,
        snapshot.imageCount,
        new ArrayList<>(counts.keySet()),
        counts,
        snapshot.createdBy,
        snapshot.createdAt,
        "/api/v1/snapshots/" + snapshot.id + "/archive");
  }
}
