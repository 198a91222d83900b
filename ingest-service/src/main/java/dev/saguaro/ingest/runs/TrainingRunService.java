package dev.saguaro.ingest.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.RunTrigger;
import dev.saguaro.contracts.SchemaVersion;
import dev.saguaro.contracts.TrainingCancellation;
import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.contracts.TrainingRequest;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.domain.DatasetService;
import dev.saguaro.ingest.messaging.OutboxWriter;
import dev.saguaro.ingest.storage.DatasetSnapshot;
import dev.saguaro.ingest.storage.RunEpochMetrics;
import dev.saguaro.ingest.storage.RunState;
import dev.saguaro.ingest.storage.TrainingRun;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.logging.Log;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Creating, cancelling and claiming training runs. */
@ApplicationScoped
public class TrainingRunService {

  @Inject IngestConfig config;
  @Inject DatasetService datasets;
  @Inject SnapshotService snapshots;
  @Inject OutboxWriter outbox;

  /** Outcome of a claim. */
  public record Claim(UUID runId, int attempt, RunState state, long leaseSeconds) {}

  /**
   * Creates a run on a new snapshot of the dataset (or on {@code snapshotId}) and queues its
   * training request through the outbox, all in one transaction.
   *
   * @throws ProblemException 400 for invalid overrides, 404 for an unknown dataset or snapshot, 422
   *     for a snapshot without images or with a single class
   */
  @Transactional
  public TrainingRun requestRun(
      String modelName,
      UUID snapshotId,
      TrainingHyperparameters overrides,
      RunTrigger trigger,
      String requestedBy) {
    TrainingHyperparameters requested =
        overrides == null ? TrainingHyperparameters.none() : overrides;
    List<String> problems = requested.validate();
    if (!problems.isEmpty()) {
      throw ProblemException.badRequest(
              "invalid-hyperparameters",
              String.join("; ", problems) + "; leave a field out to use the recipe's value")
          .with("errors", problems);
    }
    datasets.requireDataset(modelName);

    DatasetSnapshot snapshot;
    if (snapshotId == null) {
      snapshot = snapshots.createSnapshot(modelName, requestedBy);
    } else {
      snapshot = snapshots.requireSnapshot(snapshotId);
      if (!snapshot.datasetName.equals(modelName)) {
        throw ProblemException.badRequest(
            "snapshot-of-other-dataset",
            "Snapshot "
                + snapshotId
                + " belongs to dataset '"
                + snapshot.datasetName
                + "', not '"
                + modelName
                + "'; use a snapshot of "
                + modelName
                + " or leave snapshotId out");
      }
    }
    requireTrainable(snapshot);

    TrainingRun run = new TrainingRun();
    run.id = UUID.randomUUID();
    run.modelName = modelName;
    run.snapshotId = snapshot.id;
    run.state = RunState.QUEUED;
    run.trigger = trigger;
    run.requestedBy = requestedBy;
    run.attempt = 1;
    run.hyperparameters = toJson(requested.withDefaults());
    run.createdAt = Instant.now();
    run.updatedAt = run.createdAt;
    run.persist();
    outbox.appendTrainingRequest(trainingRequest(run, trigger));
    Log.infof(
        "Queued training run %s of model %s on snapshot %s (%d images), trigger %s by %s",
        run.id, modelName, snapshot.id, snapshot.imageCount, trigger, requestedBy);
    return run;
  }

  private void requireTrainable(DatasetSnapshot snapshot) {
    Map<String, Integer> counts = snapshots.classCounts(snapshot);
    if (snapshot.imageCount == 0) {
      throw ProblemException.unprocessable(
              "empty-snapshot",
              "Snapshot "
                  + snapshot.id
                  + " of dataset '"
                  + snapshot.datasetName
                  + "' has no images; upload labeled images of at least two classes first")
          .with("snapshotId", snapshot.id);
    }
    if (counts.size() < 2) {
      throw ProblemException.unprocessable(
              "single-class-snapshot",
              "Snapshot "
                  + snapshot.id
                  + " of dataset '"
                  + snapshot.datasetName
                  + "' has only the class "
                  + counts.keySet()
                  + " ("
                  + snapshot.imageCount
                  + " images); a classifier needs at least two classes, so upload images of"
                  + " another class first")
          .with("snapshotId", snapshot.id)
          .with("classCounts", counts);
    }
  }

  /** Builds the request message of the run's current attempt. */
  TrainingRequest trainingRequest(TrainingRun run, RunTrigger trigger) {
    return new TrainingRequest(
        SchemaVersion.CURRENT,
        UUID.randomUUID().toString(),
        run.id.toString(),
        run.attempt,
        run.modelName,
        run.snapshotId.toString(),
        config.publicUrl() + "/api/v1/snapshots/" + run.snapshotId + "/archive",
        hyperparameters(run),
        trigger,
        run.requestedBy,
        Instant.now());
  }

  /**
   * Cancels a run: a queued run becomes CANCELLED at once, a running one CANCELLING until its
   * trainer confirms. Either way a cancellation is published for the trainers.
   */
  @Transactional
  public TrainingRun cancelRun(UUID runId, String requestedBy) {
    TrainingRun run = requireRun(runId, LockModeType.PESSIMISTIC_WRITE);
    if (run.state.isTerminal()) {
      throw ProblemException.conflict(
          "run-finished",
          "Run " + runId + " is already " + run.state + "; there is nothing to cancel");
    }
    if (run.state == RunState.CANCELLING) {
      return run;
    }
    Instant now = Instant.now();
    if (run.state == RunState.QUEUED) {
      run.state = RunState.CANCELLED;
      run.finishedAt = now;
    } else {
      run.state = RunState.CANCELLING;
    }
    run.updatedAt = now;
    outbox.appendCancellation(
        new TrainingCancellation(SchemaVersion.CURRENT, runId.toString(), requestedBy, now));
    Log.infof("Run %s %s on request of %s", runId, run.state, requestedBy);
    return run;
  }

  /**
   * Lets {@code trainerId} run attempt {@code attempt}: succeeds for a queued current attempt, and
   * again for the trainer that already claimed it.
   *
   * @throws ProblemException 409 when the attempt is superseded, finished, cancelled or claimed by
   *     another trainer
   */
  @Transactional
  public Claim claimRun(UUID runId, String trainerId, int attempt) {
    if (trainerId == null || trainerId.isBlank()) {
      throw ProblemException.badRequest(
          "missing-trainer-id", "trainerId is missing; send the id of the claiming trainer");
    }
    TrainingRun run = requireRun(runId, LockModeType.PESSIMISTIC_WRITE);
    if (attempt != run.attempt) {
      throw ProblemException.conflict(
              "attempt-superseded",
              "Attempt "
                  + attempt
                  + " of run "
                  + runId
                  + " is not the current attempt ("
                  + run.attempt
                  + "); skip this request")
          .with("currentAttempt", run.attempt);
    }
    if (run.state.isTerminal() || run.state == RunState.CANCELLING) {
      throw ProblemException.conflict(
          "run-not-claimable", "Run " + runId + " is " + run.state + "; skip this request");
    }
    if (run.state == RunState.RUNNING && !trainerId.equals(run.trainerId)) {
      throw ProblemException.conflict(
          "run-claimed",
          "Attempt "
              + attempt
              + " of run "
              + runId
              + " is claimed by trainer "
              + run.trainerId
              + "; skip this request");
    }
    Instant now = Instant.now();
    if (run.state == RunState.QUEUED) {
      run.state = RunState.RUNNING;
      run.trainerId = trainerId;
      run.claimedAt = now;
      Log.infof("Trainer %s claimed attempt %d of run %s", trainerId, attempt, runId);
    }
    run.lastEventAt = now;
    run.updatedAt = now;
    return new Claim(runId, attempt, run.state, config.runLeaseTimeout().toSeconds());
  }

  /** Returns the run, or throws 404. */
  public TrainingRun requireRun(UUID runId) {
    TrainingRun run = TrainingRun.findById(runId);
    if (run == null) {
      throw runNotFound(runId);
    }
    return run;
  }

  private TrainingRun requireRun(UUID runId, LockModeType lock) {
    TrainingRun run = TrainingRun.findById(runId, lock);
    if (run == null) {
      throw runNotFound(runId);
    }
    return run;
  }

  private static ProblemException runNotFound(UUID runId) {
    return ProblemException.notFound(
        "run-not-found", "Run " + runId + " does not exist; list runs to find valid ids");
  }

  /** Runs, newest first, optionally of one model and in one state. */
  public List<TrainingRun> listRuns(String modelName, RunState state, int page, int size) {
    StringBuilder query = new StringBuilder("1 = 1");
    Parameters parameters = new Parameters();
    if (modelName != null) {
      query.append(" and modelName = :model");
      parameters.and("model", modelName);
    }
    if (state != null) {
      query.append(" and state = :state");
      parameters.and("state", state);
    }
    PanacheQuery<TrainingRun> found =
        TrainingRun.find(query.toString(), Sort.by("createdAt").descending(), parameters);
    return found.page(Page.of(page, size)).list();
  }

  /** Epoch metrics of the run's current attempt, in epoch order. */
  public List<RunEpochMetrics> metricsHistory(TrainingRun run) {
    return RunEpochMetrics.list(
        "runId = ?1 and attempt = ?2", Sort.by("epoch"), run.id, run.attempt);
  }

  /** Returns the settings the run uses, every field filled in. */
  public static TrainingHyperparameters hyperparameters(TrainingRun run) {
    try {
      return ContractCodec.mapper().readValue(run.hyperparameters, TrainingHyperparameters.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Corrupt hyperparameters of run " + run.id, e);
    }
  }

  private static String toJson(Object value) {
    try {
      return ContractCodec.mapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON", e);
    }
  }
}
