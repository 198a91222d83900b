package dev.saguaro.inference.serving;

import dev.saguaro.contracts.AnnouncementKind;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelVersionAnnouncement;
import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.metrics.InferenceMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Keeps every announced model served by its target version (the pinned one, else the newest),
 * following TensorFlow Serving's availability-preserving policy: a new version is loaded and warmed
 * up beside the serving one, the switch is one volatile write, and the old version closes only
 * after the requests that hold it are done. A version that fails leaves the serving one in place.
 *
 * <p>Loads run one at a time on the lifecycle thread; closes run on the unload thread. While the
 * announcement topic is being replayed at start, announcements only update the target state, and
 * the first loads start once the replay has reached the end of the topic (or after {@code
 * saguaro.inference.loading.catch-up-timeout}), so a replica that starts late loads the current
 * version only, not every version in the topic's history.
 *
 * <p>Thread-safe: announcements arrive on the messaging thread, predictions on request threads.
 */
@ApplicationScoped
public class ModelLifecycle {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final InferenceConfig config;
  private final ModelLoader loader;
  private final InferenceMetrics metrics;
  private final Map<String, ServedModel> models = new ConcurrentHashMap<>();
  private final Map<ModelVersionStatus, LoadedModel> draining = new ConcurrentHashMap<>();
  private final ExecutorService lifecycleThread =
      Executors.newSingleThreadExecutor(
          runnable -> daemon(atLoadingPriority(runnable), "saguaro-model-lifecycle"));
  private final ExecutorService unloadThread =
      Executors.newSingleThreadExecutor(runnable -> daemon(runnable, "saguaro-model-unload"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> daemon(runnable, "saguaro-model-timer"));
  private volatile boolean caughtUp;

  public ModelLifecycle(InferenceConfig config, ModelLoader loader, InferenceMetrics metrics) {
    this.config = config;
    this.loader = loader;
    this.metrics = metrics;
  }

  void onStart(@Observes StartupEvent event) {
    Duration catchUp = config.loading().catchUpTimeout();
    timer.schedule(
        () -> {
          if (!caughtUp) {
            Log.warnf(
                "The announcement topic was not read to its end within %s "
                    + "(saguaro.inference.loading.catch-up-timeout); loading the versions known so far",
                catchUp);
            markCaughtUp();
          }
        },
        catchUp.toMillis(),
        TimeUnit.MILLISECONDS);
    long interval = Math.max(1, config.loading().drainWarningInterval().toMillis());
    timer.scheduleWithFixedDelay(this::reportSlowDrains, interval, interval, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent event) {
    lifecycleThread.shutdownNow();
    timer.shutdownNow();
    for (ServedModel model : models.values()) {
      LoadedModel serving = model.serving();
      if (serving != null) {
        model.setServing(null);
        ModelVersionStatus status = findStatus(model, serving.version());
        if (status != null) {
          status.moveTo(ModelVersionState.UNLOADING);
        }
        serving.retire();
      }
    }
    unloadThread.shutdown();
    try {
      if (!unloadThread.awaitTermination(10, TimeUnit.SECONDS)) {
        Log.warn("Model versions were still unloading when the service stopped");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Applies one announcement to the target state of its model and, once the topic has been read to
   * its end, starts loading what became the target.
   *
   * @throws IllegalArgumentException when the announcement lacks what its kind needs; the message
   *     says what
   */
  public void applyAnnouncement(ModelVersionAnnouncement announcement) {
    requireValid(announcement);
    ServedModel model = models.computeIfAbsent(announcement.modelName(), this::createModel);
    switch (announcement.kind()) {
      case NEW_VERSION -> {
        if (!model.offerNewest(announcement.model())) {
          Log.infof(
              "Ignoring NEW_VERSION %d of model %s: version %d is newer",
              announcement.model().version(), model.name(), model.newest().version());
          return;
        }
        Log.infof(
            "Model %s: version %d announced (%s)",
            model.name(), announcement.model().version(), announcement.model().artifactUri());
      }
      case PINNED -> {
        model.pin(announcement.model());
        Log.infof("Model %s: pinned to version %d", model.name(), announcement.model().version());
      }
      case PIN_RELEASED -> {
        model.releasePin();
        Log.infof("Model %s: pin released", model.name());
      }
    }
    metrics.countAppliedAnnouncement(announcement.kind().name());
    if (caughtUp) {
      scheduleReconcile(model);
    }
  }

  /** Applies a deleted pin record (a tombstone on the pin key) as a released pin. */
  public void applyPinTombstone(String modelName) {
    ServedModel model = models.get(modelName);
    if (model != null && model.pinned() != null) {
      model.releasePin();
      Log.infof("Model %s: pin record deleted, pin released", modelName);
      if (caughtUp) {
        scheduleReconcile(model);
      }
    }
  }

  /**
   * Marks the announcement topic as read to its end: from now on every announcement is acted on at
   * once, and the target versions so far start loading.
   */
  public void markCaughtUp() {
    if (caughtUp) {
      return;
    }
    caughtUp = true;
    Log.infof("Announcement topic read to its end; models known: %s", models.keySet());
    models.values().forEach(this::scheduleReconcile);
  }

  /** Whether the announcement topic has been read to its end since start. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  /**
   * Returns the serving version of {@code modelName} with a lease taken; the caller gives it back
   * with {@link LoadedModel#release()}.
   *
   * @throws ModelUnavailableException when no version of the model serves
   */
  public LoadedModel acquireServing(String modelName) throws ModelUnavailableException {
    ServedModel model = models.get(modelName);
    while (model != null) {
      LoadedModel serving = model.serving();
      if (serving == null) {
        break;
      }
      if (serving.tryAcquire()) {
        return serving;
      }
      // The version drained between the read and the lease; the switch has already happened.
    }
    throw unavailable(modelName, model);
  }

  /** Returns a snapshot of every known model, sorted by name. */
  public List<ModelStatus> status() {
    return models.values().stream()
        .sorted(Comparator.comparing(ServedModel::name))
        .map(ModelLifecycle::snapshot)
        .toList();
  }

  /** Returns a snapshot of one model, if it was announced. */
  public Optional<ModelStatus> status(String modelName) {
    return Optional.ofNullable(models.get(modelName)).map(ModelLifecycle::snapshot);
  }

  private ServedModel createModel(String name) {
    ServedModel model = new ServedModel(name);
    metrics.registerModelGauges(
        name,
        model,
        m -> m.serving() == null ? 0 : m.serving().version(),
        ServedModel::countInState);
    return model;
  }

  private void scheduleReconcile(ServedModel model) {
    try {
      lifecycleThread.execute(() -> reconcile(model));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      Log.debugf("Service stopping; model %s is not reconciled", model.name());
    }
  }

  /** Loads versions until the target one serves, or until the target one has failed. */
  private void reconcile(ServedModel model) {
    while (!Thread.currentThread().isInterrupted()) {
      ModelArtifact target = model.target();
      LoadedModel serving = model.serving();
      if (target == null
          || (serving != null && serving.version() == target.version())
          || model.failedAtCurrentRevision(target.version())) {
        return;
      }
      ModelVersionStatus status =
          model.startLoading(target.version(), config.loading().retainedVersions());
      LoadedModel loaded = load(model, target, status);
      if (loaded == null) {
        continue;
      }
      ModelArtifact targetNow = model.target();
      if (model.serving() == null || targetNow.version() == target.version()) {
        switchTo(model, loaded, status);
      } else {
        Log.infof(
            "Model %s version %d is ready but version %d is the target now; unloading it",
            model.name(), target.version(), targetNow.version());
        status.moveTo(ModelVersionState.UNLOADING);
        draining.put(status, loaded);
        loaded.retire();
      }
    }
  }

  private LoadedModel load(ServedModel model, ModelArtifact artifact, ModelVersionStatus status) {
    long started = System.nanoTime();
    try {
      LoadedModel loaded = loader.load(artifact, unloadThread, () -> onClosed(status));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      status.markReady(took.toNanos() / 1e9);
      metrics.recordLoad(model.name(), true, took);
      return loaded;
    } catch (ModelLoadException e) {
      fail(model, status, e.step(), e.getMessage(), started);
      return null;
    } catch (RuntimeException e) {
      Log.errorf(
          e, "Unexpected error while loading model %s version %d", model.name(), status.version());
      fail(
          model, status, LoadStep.LOAD_SAVED_MODEL, "unexpected error: " + e.getMessage(), started);
      return null;
    }
  }

  private void fail(
      ServedModel model, ModelVersionStatus status, LoadStep step, String reason, long started) {
    status.markFailed(step, reason);
    metrics.recordLoad(model.name(), false, Duration.ofNanos(System.nanoTime() - started));
    metrics.countLoadFailure(model.name(), step.label());
  }

  private void switchTo(ServedModel model, LoadedModel next, ModelVersionStatus nextStatus) {
    LoadedModel previous = model.serving();
    model.setServing(next);
    nextStatus.moveTo(ModelVersionState.SERVING);
    if (previous == null) {
      return;
    }
    ModelVersionStatus previousStatus = findStatus(model, previous.version());
    if (previousStatus != null) {
      previousStatus.moveTo(ModelVersionState.UNLOADING);
      draining.put(previousStatus, previous);
    }
    previous.retire();
  }

  private void onClosed(ModelVersionStatus status) {
    draining.remove(status);
    status.moveTo(ModelVersionState.UNLOADED);
  }

  private void reportSlowDrains() {
    draining.forEach(
        (status, model) ->
            Log.warnf(
                "Model %s version %d is still draining: %d requests hold it",
                status.modelName(), status.version(), model.leasesInFlight()));
  }

  private static ModelVersionStatus findStatus(ServedModel model, long version) {
    for (ModelVersionStatus status : model.versions()) {
      if (status.version() == version && status.state() == ModelVersionState.SERVING) {
        return status;
      }
    }
    return null;
  }

  private ModelUnavailableException unavailable(String modelName, ServedModel model) {
    if (model == null) {
      boolean mayStillAppear = !caughtUp || modelName.equals(config.defaultModel());
      String reason =
          caughtUp
              ? "no version of model '" + modelName + "' has been announced"
              : "the service is still reading model announcements";
      return new ModelUnavailableException(modelName, mayStillAppear, reason);
    }
    ModelArtifact target = model.target();
    String reason =
        target == null
            ? "no version of model '"
                + modelName
                + "' is selected to serve (the pin was released and no version exists)"
            : describeTarget(model, target.version());
    return new ModelUnavailableException(modelName, true, reason);
  }

  private static String describeTarget(ServedModel model, long version) {
    for (ModelVersionStatus status : model.versions()) {
      if (status.version() == version) {
        return status.state() == ModelVersionState.FAILED
            ? "version "
                + version
                + " of model '"
                + model.name()
                + "' failed to load: "
                + status.failureReason()
            : "version " + version + " of model '" + model.name() + "' is " + status.state();
      }
    }
    return "version " + version + " of model '" + model.name() + "' is waiting to load";
  }

  private static ModelStatus snapshot(ServedModel model) {
    LoadedModel serving = model.serving();
    ModelArtifact newest = model.newest();
    ModelArtifact pinned = model.pinned();
    return new ModelStatus(
        model.name(),
        serving == null ? null : serving.version(),
        newest == null ? null : newest.version(),
        pinned == null ? null : pinned.version(),
        new ArrayList<>(model.versions()));
  }

  private static void requireValid(ModelVersionAnnouncement announcement) {
    if (announcement.modelName() == null || announcement.modelName().isBlank()) {
      throw new IllegalArgumentException("modelName is missing");
    }
    if (announcement.kind() == null) {
      throw new IllegalArgumentException("kind is missing");
    }
    if (announcement.kind() == AnnouncementKind.PIN_RELEASED) {
      return;
    }
    ModelArtifact artifact = announcement.model();
    if (artifact == null) {
      throw new IllegalArgumentException(announcement.kind() + " needs the model field");
    }
    if (!announcement.modelName().equals(artifact.modelName())) {
      throw new IllegalArgumentException(
          "model.modelName '"
              + artifact.modelName()
              + "' differs from modelName '"
              + announcement.modelName()
              + "'");
    }
    if (artifact.version() <= 0) {
      throw new IllegalArgumentException(
          "model.version must be positive, got " + artifact.version());
    }
    if (artifact.artifactUri() == null || artifact.artifactUri().isBlank()) {
      throw new IllegalArgumentException("model.artifactUri is missing");
    }
    if (artifact.sha256() == null || !SHA256.matcher(artifact.sha256()).matches()) {
      throw new IllegalArgumentException(
          "model.sha256 must be 64 hex digits, got '" + artifact.sha256() + "'");
    }
  }

  /**
   * Runs {@code runnable} after lowering its thread's priority. Loads run on this thread, and with
   * TensorFlow ops run in the caller's thread, so does the TensorFlow work of loading.
   */
  private Runnable atLoadingPriority(Runnable runnable) {
    return () -> {
      ThreadNiceness.lowerCurrentThread(config.loading().niceness(), "loading model versions");
      runnable.run();
    };
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
