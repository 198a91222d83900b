package dev.saguaro.inference.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error that reaches a client into an RFC 7807 problem document. Expected client errors
 * are logged at DEBUG; anything unexpected is logged at ERROR and returned without internals.
 */
public class ProblemMappers {

  @ServerExceptionMapper
  public Response mapProblem(ProblemException e, UriInfo uri) {
    Log.debugf("%d %s: %s", e.problem().status(), uri.getPath(), e.problem().detail());
    Response.ResponseBuilder response = respond(e.problem().at(uri.getPath()));
    e.headers().forEach(response::header);
    return response.build();
  }

  @ServerExceptionMapper
  public Response mapUnsupportedType(NotSupportedException e, UriInfo uri) {
    Log.debugf("415 %s: %s", uri.getPath(), e.getMessage());
    return respond(
            Problem.of(
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    "Send the image as image/jpeg or image/png, several images as "
                        + "multipart/form-data, or base64 images as application/json")
                .at(uri.getPath()))
        .build();
  }

  @ServerExceptionMapper
  public Response mapNotFound(NotFoundException e, UriInfo uri) {
    return respond(
            Problem.of(404, "not-found", "Not found", "No resource exists at " + uri.getPath())
                .at(uri.getPath()))
        .build();
  }

  @ServerExceptionMapper
  public Response mapNotAllowed(NotAllowedException e, UriInfo uri, Request request) {
    return respond(
            Problem.of(
                    405,
                    "method-not-allowed",
                    "Method not allowed",
                    describeNotAllowed(
                        request.getMethod(), uri.getPath(), e.getResponse().getAllowedMethods()))
                .at(uri.getPath()))
        .build();
  }

  /**
   * Describes a 405. The exception's own list of allowed methods is often empty, so an empty list
   * points to the OpenAPI document instead of printing it.
   */
  static String describeNotAllowed(String method, String path, Set<String> allowed) {
    String fix =
        allowed.isEmpty()
            ? "the methods of every path are listed at /q/openapi; predictions take POST"
            : "allowed: " + String.join(", ", allowed);
    return method + " is not allowed at " + path + "; " + fix;
  }

  @ServerExceptionMapper
  public Response mapInvalidJson(JsonProcessingException e, UriInfo uri) {
    Log.debugf("400 %s: %s", uri.getPath(), e.getOriginalMessage());
    return respond(invalidJson(e.getOriginalMessage(), uri)).build();
  }

  @ServerExceptionMapper
  public Response mapWebApplication(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    // The JSON reader reports a body it cannot parse as a plain 400 that wraps the parser's error.
    if (status == 400 && e.getCause() instanceof JsonProcessingException parse) {
      Log.debugf("400 %s: %s", uri.getPath(), parse.getOriginalMessage());
      return respond(invalidJson(parse.getOriginalMessage(), uri)).build();
    }
    if (status >= 500) {
      Log.errorf(e, "%d %s", status, uri.getPath());
    } else {
      Log.debugf("%d %s: %s", status, uri.getPath(), e.getMessage());
    }
    Response.Status known = Response.Status.fromStatusCode(status);
    String title = known == null ? "HTTP " + status : known.getReasonPhrase();
    return respond(
            Problem.of(status, "http-" + status, title, title + " at " + uri.getPath())
                .at(uri.getPath()))
        .build();
  }

  @ServerExceptionMapper
  public Response mapUnexpected(RuntimeException e, UriInfo uri) {
    Log.errorf(e, "Unexpected error at %s", uri.getPath());
    return respond(
            Problem.of(
                    500,
                    "internal-error",
                    "Internal error",
                    "The prediction failed inside the service; the error is in its log. Retry, and "
                        + "report it if it persists")
                .at(uri.getPath()))
        .build();
  }

  private static Problem invalidJson(String reason, UriInfo uri) {
    return Problem.of(
            400,
            "invalid-json",
            "Invalid JSON",
            "The body is not a valid prediction request: "
                + reason
                + ". Expected {\"images\": [{\"name\": \"...\", \"data\": \"<base64>\"}]}")
        .at(uri.getPath());
  }

  static Response.ResponseBuilder respond(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem);
  }
}
