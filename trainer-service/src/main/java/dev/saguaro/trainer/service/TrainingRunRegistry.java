package dev.saguaro.trainer.service;

import dev.saguaro.contracts.TrainingRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts this trainer works on, keyed by run id. It is the local half of the protection
 * against redelivered requests: a request for a run that is already here is skipped before any
 * claim, and the claim at the ingest service covers runs that finished or run elsewhere.
 * Thread-safe.
 */
@ApplicationScoped
public class TrainingRunRegistry {

  private final ConcurrentHashMap<String, ActiveRun> runsById = new ConcurrentHashMap<>();

  /** Returns whether any attempt of {@code runId} is in progress on this trainer. */
  public boolean isActive(String runId) {
    return runsById.containsKey(runId);
  }

  /** Registers the attempt, or returns empty when an attempt of the same run is already here. */
  Optional<ActiveRun> register(TrainingRequest request) {
    ActiveRun run = new ActiveRun(request);
    ActiveRun existing = runsById.putIfAbsent(request.runId(), run);
    return existing == null ? Optional.of(run) : Optional.empty();
  }

  void remove(ActiveRun run) {
    runsById.remove(run.runId(), run);
  }

  /** Returns the run if it is active here. */
  public Optional<ActiveRun> find(String runId) {
    return Optional.ofNullable(runsById.get(runId));
  }

  /** Returns a copy of the active runs, oldest first. */
  public List<ActiveRun> activeRuns() {
    Collection<ActiveRun> runs = runsById.values();
    return runs.stream().sorted(java.util.Comparator.comparing(ActiveRun::registeredAt)).toList();
  }
}
