package dev.saguaro.ingest.api;

import dev.saguaro.ingest.api.ApiViews.ImageView;
import dev.saguaro.ingest.api.ApiViews.PageView;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.domain.ImageService;
import dev.saguaro.ingest.domain.ImageService.ImagePage;
import dev.saguaro.ingest.domain.ImageService.StoredImage;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Upload and list the images of a dataset. */
@Path("/api/v1/datasets/{dataset}/images")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Images")
public class DatasetImageResource {

  private static final int MAX_PAGE_SIZE = 500;
  private static final Set<String> RAW_TYPES =
      Set.of("image/jpeg", "image/png", MediaType.APPLICATION_OCTET_STREAM);

  @Inject ImageService images;
  @Inject IngestConfig config;
  @Inject CallerIdentity caller;

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(summary = "Upload one labeled image as a multipart form (fields file and label)")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response uploadForm(
      @PathParam("dataset") String dataset,
      @RestForm("file") FileUpload file,
      @RestForm("label") String label) {
    if (file == null) {
      throw ProblemException.badRequest(
          "missing-file", "Form field 'file' is missing; send the image as the 'file' part");
    }
    if (file.size() > config.upload().maxImageBytes()) {
      throw imageTooLarge(file.size());
    }
    byte[] content;
    try {
      content = Files.readAllBytes(file.uploadedFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the uploaded part " + file.fileName(), e);
    }
    return created(
        images.storeLabeledImage(dataset, label, file.fileName(), content, caller.name()));
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Upload one image as the raw body (image/jpeg, image/png) with ?label=")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response uploadRaw(
      @PathParam("dataset") String dataset,
      @QueryParam("label") String label,
      @QueryParam("filename") String filename,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body) {
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
    if (!RAW_TYPES.contains(type)) {
      throw ProblemException.unsupportedMediaType(
          "unsupported-media-type",
          "Content type '"
              + (contentType == null ? "(none)" : contentType)
              + "' is not accepted for image uploads; send multipart/form-data with fields file"
              + " and label, or the image bytes as image/jpeg or image/png with ?label=");
    }
    byte[] content = readLimited(body);
    return created(images.storeLabeledImage(dataset, label, filename, content, caller.name()));
  }

  @GET
  @Operation(summary = "List images, oldest upload first, filtered by label and upload time")
  public PageView<ImageView> listImages(
      @PathParam("dataset") String dataset,
      @QueryParam("label") String label,
      @QueryParam("uploadedFrom") String uploadedFrom,
      @QueryParam("uploadedTo") String uploadedTo,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size) {
    if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
      throw ProblemException.badRequest(
          "invalid-page",
          "page "
              + page
              + " and size "
              + size
              + " are out of range; use page >= 0 and size 1 to "
              + MAX_PAGE_SIZE);
    }
    ImagePage found =
        images.listImages(
            dataset,
            label,
            parseInstant("uploadedFrom", uploadedFrom),
            parseInstant("uploadedTo", uploadedTo),
            page,
            size);
    List<ImageView> items = found.items().stream().map(i -> ImageViews.toView(i, null)).toList();
    long pages = (found.totalItems() + size - 1) / size;
    return new PageView<>(items, page, size, found.totalItems(), pages);
  }

  private static Instant parseInstant(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ProblemException.badRequest(
          "invalid-time",
          name
              + " '"
              + value
              + "' is not an ISO-8601 instant; use a value such as"
              + " 2026-12-04T10:15:30Z");
    }
  }

  private byte[] readLimited(InputStream body) {
    long limit = config.upload().maxImageBytes();
    try {
      byte[] content = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (content.length > limit) {
        throw imageTooLarge(content.length);
      }
      return content;
    } catch (IOException e) {
      throw ProblemException.badRequest(
          "unreadable-body", "The request body could not be read (" + e.getMessage() + ")");
    }
  }

  private ProblemException imageTooLarge(long size) {
    return ProblemException.tooLarge(
        "image-too-large",
        "The image is "
            + (size > config.upload().maxImageBytes() ? "more than " : "")
            + config.upload().maxImageBytes()
            + " bytes, the limit (saguaro.ingest.upload.max-image-bytes); send a smaller image");
  }

  private static Response created(StoredImage stored) {
    ImageView view = ImageViews.toView(stored.image(), !stored.created());
    Response.Status status = stored.created() ? Response.Status.CREATED : Response.Status.OK;
    return Response.status(status)
        .location(URI.create("/api/v1/images/" + stored.image().id))
        .entity(view)
        .build();
  }
}
