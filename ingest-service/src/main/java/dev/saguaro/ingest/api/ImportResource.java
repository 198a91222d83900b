package dev.saguaro.ingest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.ingest.api.ApiViews.ImportView;
import dev.saguaro.ingest.api.ApiViews.RejectionView;
import dev.saguaro.ingest.importing.ImportService;
import dev.saguaro.ingest.storage.ImportJob;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Starts bulk imports of zip archives; {@link ImportStatusResource} reports on them. */
@Path("/api/v1/datasets/{dataset}/imports")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Imports")
public class ImportResource {

  private static final Set<String> ZIP_TYPES =
      Set.of("application/zip", "application/x-zip-compressed", MediaType.APPLICATION_OCTET_STREAM);

  @Inject ImportService imports;
  @Inject CallerIdentity caller;

  @POST
  @Consumes(MediaType.WILDCARD)
  @Operation(
      summary = "Import a zip sent as the raw body (application/zip)",
      description =
          "Kaggle layout (one CSV with an id and a label column beside the images) or one folder"
              + " per class. Returns 202 with the import's status; poll its statusUrl.")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response importRaw(
      @PathParam("dataset") String dataset,
      @QueryParam("idColumn") String idColumn,
      @QueryParam("labelColumn") String labelColumn,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      InputStream body) {
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
    if (!ZIP_TYPES.contains(type)) {
      throw ProblemException.unsupportedMediaType(
          "unsupported-media-type",
          "Content type '"
              + (contentType == null ? "(none)" : contentType)
              + "' is not accepted for imports; send the zip as application/zip, or as the"
              + " 'archive' part of multipart/form-data");
    }
    return accepted(imports.startImport(dataset, body, idColumn, labelColumn, caller.name()));
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @Operation(summary = "Import a zip sent as the 'archive' part of a multipart form")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response importForm(
      @PathParam("dataset") String dataset,
      @QueryParam("idColumn") String idColumn,
      @QueryParam("labelColumn") String labelColumn,
      @RestForm("archive") FileUpload archive) {
    if (archive == null) {
      throw ProblemException.badRequest(
          "missing-file", "Form field 'archive' is missing; send the zip as the 'archive' part");
    }
    return accepted(
        imports.startImport(dataset, archive.uploadedFile(), idColumn, labelColumn, caller.name()));
  }

  private static Response accepted(ImportJob job) {
    return Response.accepted(toView(job)).location(URI.create(statusUrl(job))).build();
  }

  static String statusUrl(ImportJob job) {
    return "/api/v1/imports/" + job.id;
  }

  static ImportView toView(ImportJob job) {
    List<RejectionView> rejections;
    try {
      rejections = ContractCodec.mapper().readValue(job.rejections, new TypeReference<>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt rejections of import " + job.id, e);
    }
    Double rate = null;
    if (job.startedAt != null && job.processedFiles > 0) {
      Instant end = job.finishedAt == null ? Instant.now() : job.finishedAt;
      double seconds = Math.max(0.001, Duration.between(job.startedAt, end).toMillis() / 1000.0);
      rate = Math.round(job.processedFiles / seconds * 10) / 10.0;
    }
    double progress = job.totalFiles == 0 ? 1.0 : (double) job.processedFiles / job.totalFiles;
    return new ImportView(
        job.id,
        job.datasetName,
        job.layout,
        job.state.name(),
        job.archiveBytes,
        job.totalFiles,
        job.processedFiles,
        progress,
        job.accepted,
        job.duplicates,
        job.rejected,
        rejections,
        job.failureReason,
        rate,
        job.requestedBy,
        job.createdAt,
        job.startedAt,
        job.finishedAt,
        statusUrl(job));
  }
}
