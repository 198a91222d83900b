package dev.saguaro.ingest.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.logging.Log;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a request into an RFC 7807 problem document. Expected client errors are
 * logged at DEBUG; unexpected failures at ERROR with an id that the response repeats, without the
 * Java exception in the response.
 */
public class ProblemMappers {

  @ServerExceptionMapper
  public Response mapProblem(ProblemException problem, UriInfo uriInfo) {
    Log.debugf("Rejected %s with %d: %s", uriInfo.getPath(), problem.status(), problem.detail());
    return new Problem(
            problem.slug(),
            problem.title(),
            problem.status(),
            problem.detail(),
            uriInfo.getPath(),
            problem.extensions())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response mapConstraintViolation(ConstraintViolationException e, UriInfo uriInfo) {
    List<String> errors =
        e.getConstraintViolations().stream().map(ProblemMappers::describeViolation).toList();
    String detail = String.join("; ", errors);
    Log.debugf("Rejected %s with 400: %s", uriInfo.getPath(), detail);
    return new Problem(
            "invalid-request",
            "Invalid request",
            400,
            detail,
            uriInfo.getPath(),
            Map.of("errors", errors))
        .toResponse();
  }

  @ServerExceptionMapper
  public Response mapUnreadableJson(JsonProcessingException e, UriInfo uriInfo) {
    String detail =
        "The request body is not valid JSON for this endpoint: "
            + e.getOriginalMessage()
            + "; send a JSON object as the API documentation shows";
    Log.debugf("Rejected %s with 400: %s", uriInfo.getPath(), detail);
    return new Problem("invalid-json", "Invalid request", 400, detail, uriInfo.getPath(), Map.of())
        .toResponse();
  }

  @ServerExceptionMapper
  public Response mapWebApplication(
      WebApplicationException e, UriInfo uriInfo, HttpHeaders headers) {
    int status = e.getResponse().getStatus();
    String path = uriInfo.getPath();
    String detail;
    String slug;
    if (e instanceof NotSupportedException) {
      slug = "unsupported-media-type";
      detail =
          "Content type "
              + headers.getMediaType()
              + " is not accepted by "
              + path
              + "; see the API documentation for the accepted types";
    } else if (e instanceof NotFoundException) {
      slug = "not-found";
      detail =
          "No resource at "
              + path
              + "; check the path and that ids are UUIDs (the API is listed at /q/swagger-ui)";
    } else if (e instanceof NotAllowedException) {
      slug = "method-not-allowed";
      detail =
          e.getResponse().getAllowedMethods().isEmpty()
              ? "This method is not allowed on "
                  + path
                  + "; the methods of every path are listed"
                  + " at /q/openapi"
              : "This method is not allowed on "
                  + path
                  + "; allowed: "
                  + String.join(", ", e.getResponse().getAllowedMethods());
    } else if (status >= 500) {
      return mapUnexpected(e, uriInfo);
    } else {
      slug = "invalid-request";
      detail = "The request to " + path + " was rejected: " + e.getMessage();
    }
    Log.debugf("Rejected %s with %d: %s", path, status, detail);
    Response.StatusType statusType = Response.Status.fromStatusCode(status);
    String title = statusType == null ? "Request failed" : statusType.getReasonPhrase();
    return new Problem(slug, title, status, detail, path, Map.of()).toResponse();
  }

  @ServerExceptionMapper
  public Response mapUnexpected(Exception e, UriInfo uriInfo) {
    String errorId = UUID.randomUUID().toString();
    Log.errorf(e, "Request %s failed unexpectedly (error id %s)", uriInfo.getPath(), errorId);
    return new Problem(
            "internal-error",
            "Internal error",
            500,
            "The service failed to handle the request; report error id "
                + errorId
                + " to the operator, who finds the cause in the service log",
            uriInfo.getPath(),
            Map.of("errorId", errorId))
        .toResponse();
  }

  private static String describeViolation(ConstraintViolation<?> violation) {
    String path = violation.getPropertyPath().toString();
    int dot = path.lastIndexOf('.');
    String name = dot < 0 ? path : path.substring(dot + 1);
    return name + " " + violation.getMessage() + " (was " + violation.getInvalidValue() + ")";
  }
}
