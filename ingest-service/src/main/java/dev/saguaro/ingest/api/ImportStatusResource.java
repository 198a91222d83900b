package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.ImportView;
import dev.saguaro.ingest.importing.ImportService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Progress and report of bulk imports. */
@Path("/api/v1/imports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Imports")
public class ImportStatusResource {

  @Inject ImportService imports;

  @GET
  @Path("/{id}")
  @Operation(summary = "Get an import's progress, or its report once finished")
  public ImportView getImport(@PathParam("id") UUID id) {
    return ImportResource.toView(imports.requireJob(id));
  }
}
