package dev.saguaro.ingest.api;

import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.ingest.api.ApiViews.ClaimRequest;
import dev.saguaro.ingest.api.ApiViews.ClaimView;
import dev.saguaro.ingest.api.ApiViews.CreateRunRequest;
import dev.saguaro.ingest.api.ApiViews.RunView;
import dev.saguaro.ingest.runs.TrainingRunService;
import dev.saguaro.ingest.runs.TrainingRunService.Claim;
import dev.saguaro.ingest.storage.RunEpochMetrics;
import dev.saguaro.ingest.storage.RunState;
import dev.saguaro.ingest.storage.TrainingRun;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Training runs: request, follow, cancel, and claims by trainers. */
@Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Training runs")
public class RunResource {

  private static final String DEFAULT_MODEL = "default";

  @Inject TrainingRunService runs;
  @Inject CallerIdentity caller;

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Request a training run on a new snapshot (or a given one)",
      description = "422 when the snapshot has no images or a single class.")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public Response createRun(CreateRunRequest request) {
    CreateRunRequest body = request == null ? new CreateRunRequest(null, null, null) : request;
    String modelName = body.modelName() == null ? DEFAULT_MODEL : body.modelName();
    TrainingRun run =
        runs.requestRun(
            modelName, body.snapshotId(), body.hyperparameters(), RunTrigger.MANUAL, caller.name());
    return Response.created(URI.create("/api/v1/runs/" + run.id)).entity(toView(run)).build();
  }

  @GET
  @Operation(summary = "List runs, newest first")
  public List<RunView> listRuns(
      @QueryParam("modelName") String modelName,
      @QueryParam("state") String state,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size) {
    if (page < 0 || size < 1 || size > 500) {
      throw ProblemException.badRequest(
          "invalid-page",
          "page " + page + " and size " + size + " are out of range; use page >= 0, size 1 to 500");
    }
    return runs.listRuns(modelName, parseState(state), page, size).stream()
        .map(this::toView)
        .toList();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "Get a run: state, phase, epoch, metrics history and model version")
  public RunView getRun(@PathParam("id") UUID id) {
    return toView(runs.requireRun(id));
  }

  @POST
  @Path("/{id}/cancel")
  @Operation(summary = "Cancel a queued or running run")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public RunView cancelRun(@PathParam("id") UUID id) {
    return toView(runs.cancelRun(id, caller.name()));
  }

  @POST
  @Path("/{id}/claims")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Claim an attempt of a run for a trainer",
      description =
          "409 when the attempt is superseded, finished, cancelled or claimed by another.")
  @SecurityRequirement(name = IngestApiApplication.API_KEY_SCHEME)
  public ClaimView claimRun(@PathParam("id") UUID id, ClaimRequest request) {
    if (request == null || request.attempt() == null) {
      throw ProblemException.badRequest(
          "invalid-claim",
          "The claim needs trainerId and attempt; send {\"trainerId\": ..., \"attempt\": N}");
    }
    Claim claim = runs.claimRun(id, request.trainerId(), request.attempt());
    return new ClaimView(claim.runId(), claim.attempt(), claim.state(), claim.leaseSeconds());
  }

  private static RunState parseState(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    try {
      return RunState.valueOf(state.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest(
          "invalid-state",
          "state '" + state + "' is unknown; use one of " + Arrays.toString(RunState.values()));
    }
  }

  private RunView toView(TrainingRun run) {
    return new RunView(
        run.id,
        run.modelName,
        run.snapshotId,
        run.state,
        run.trigger,
        run.requestedBy,
        run.attempt,
        TrainingRunService.hyperparameters(run),
        run.trainerId,
        run.phase,
        run.epoch,
        run.totalEpochs,
        runs.metricsHistory(run).stream().map(RunEpochMetrics::toContract).toList(),
        run.modelVersion,
        run.failureReason,
        run.createdAt,
        run.claimedAt,
        run.lastEventAt,
        run.finishedAt);
  }
}
