package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.ImageView;
import dev.saguaro.ingest.api.ApiViews.RelabelRequest;
import dev.saguaro.ingest.domain.ImageFormat;
import dev.saguaro.ingest.domain.ImageService;
import dev.saguaro.ingest.storage.LabeledImage;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One stored image: read, relabel, delete. */
@Path("/api/v1/images")
@Tag(name = "Images")
public class ImageResource {

  @Inject ImageService images;

  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Get an image's record")
  public ImageView getImage(@PathParam("id") UUID id) {
    return ImageViews.toView(images.requireImage(id), null);
  }

  @GET
  @Path("/{id}/content")
  @Produces({"image/jpeg", "image/png", MediaType.APPLICATION_JSON})
  @Operation(summary = "Download an image's bytes")
  public Response getContent(@PathParam("id") UUID id) {
    LabeledImage image = images.requireImage(id);
    return Response.ok(images.readContent(image), ImageFormat.fromId(image.format).mediaType())
        .header("X-Checksum-SHA256", image.sha256)
        .build();
  }

  @PUT
  @Path("/{id}/label")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Change an image's label")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public ImageView relabelImage(@PathParam("id") UUID id, RelabelRequest request) {
    String label = request == null ? null : request.label();
    return ImageViews.toView(images.relabelImage(id, label), null);
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Delete an image's record; snapshots that contain it keep it")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response deleteImage(@PathParam("id") UUID id) {
    images.deleteImage(id);
    return Response.noContent().build();
  }
}
