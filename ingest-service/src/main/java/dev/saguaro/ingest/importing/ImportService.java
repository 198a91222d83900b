package dev.saguaro.ingest.importing;

import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.domain.DatasetService;
import dev.saguaro.ingest.domain.Names;
import dev.saguaro.ingest.storage.Dataset;
import dev.saguaro.ingest.storage.ImportJob;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Accepts archives for import: spools the upload to disk, checks its structure, records an import
 * job and hands it to the {@link ImportWorker} on a background thread.
 */
@ApplicationScoped
public class ImportService {

  @Inject IngestConfig config;
  @Inject ArchivePlanner planner;
  @Inject ImportWorker worker;
  @Inject DatasetService datasets;

  private ExecutorService jobPool;
  private Path spoolDirectory;

  void onStart(@Observes StartupEvent event) throws IOException {
    spoolDirectory = config.storage().spoolDirectory().toAbsolutePath();
    Files.createDirectories(spoolDirectory);
    jobPool =
        Executors.newFixedThreadPool(
            config.imports().concurrentImports(),
            runnable -> {
              Thread thread = new Thread(runnable, "import-job");
              thread.setDaemon(true);
              return thread;
            });
    int abandoned =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    ImportJob.update(
                        "state = ?1, failureReason = ?2, finishedAt = ?3 where state in (?4, ?5)",
                        ImportJob.State.FAILED,
                        "The service stopped before the import finished; upload the archive again",
                        Instant.now(),
                        ImportJob.State.QUEUED,
                        ImportJob.State.RUNNING));
    if (abandoned > 0) {
      Log.warnf("Marked %d import(s) left unfinished by the last shutdown as FAILED", abandoned);
    }
  }

  @PreDestroy
  void shutdown() {
    if (jobPool != null) {
      jobPool.shutdownNow();
    }
  }

  /**
   * Spools {@code body} to disk and starts its import.
   *
   * @throws ProblemException when the archive is too large or its structure is invalid; then
   *     nothing is stored
   */
  public ImportJob startImport(
      String datasetName, InputStream body, String idColumn, String labelColumn, String caller) {
    Names.requireDatasetName(datasetName);
    Path spooled = spool(body);
    return startSpooledImport(datasetName, spooled, idColumn, labelColumn, caller);
  }

  /** Moves an uploaded file into the spool directory and starts its import. */
  public ImportJob startImport(
      String datasetName, Path uploaded, String idColumn, String labelColumn, String caller) {
    Names.requireDatasetName(datasetName);
    Path spooled = newSpoolFile();
    try {
      long size = Files.size(uploaded);
      if (size > config.imports().maxArchiveBytes()) {
        throw archiveTooLarge();
      }
      Files.move(uploaded, spooled, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot spool the uploaded archive to " + spooled, e);
    }
    return startSpooledImport(datasetName, spooled, idColumn, labelColumn, caller);
  }

  private ImportJob startSpooledImport(
      String datasetName, Path spooled, String idColumn, String labelColumn, String caller) {
    ImportPlan plan;
    ImportJob job;
    try {
      Dataset existing = datasets.findDataset(datasetName).orElse(null);
      long size = Files.size(spooled);
      plan =
          planner.planImport(
              spooled,
              size,
              idColumn == null || idColumn.isBlank() ? "id" : idColumn,
              labelColumn,
              (label, where) -> checkLabel(existing, label, where));
      job = QuarkusTransaction.requiringNew().call(() -> recordJob(datasetName, plan, caller));
    } catch (RuntimeException | IOException e) {
      deleteQuietly(spooled);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UncheckedIOException((IOException) e);
    }

    UUID jobId = job.id;
    jobPool.submit(() -> worker.importArchive(jobId, datasetName, caller, plan));
    Log.infof(
        "Accepted import %s into dataset %s from %s: %d images queued",
        jobId, datasetName, caller, plan.items().size());
    return job;
  }

  private void checkLabel(Dataset existing, String label, String where) {
    if (existing == null) {
      Names.requireLabel(label, where);
    } else {
      datasets.requireAcceptedLabel(existing, label, where);
    }
  }

  private ImportJob recordJob(String datasetName, ImportPlan plan, String caller) {
    datasets.findOrCreateDataset(datasetName);
    ImportJob job = new ImportJob();
    job.id = UUID.randomUUID();
    job.datasetName = datasetName;
    job.layout = plan.layout();
    job.state = ImportJob.State.QUEUED;
    job.archiveBytes = plan.archiveBytes();
    job.totalFiles = plan.items().size();
    job.requestedBy = caller;
    job.createdAt = Instant.now();
    job.persist();
    return job;
  }

  /** Returns the import job, or throws 404. */
  public ImportJob requireJob(UUID id) {
    ImportJob job = ImportJob.findById(id);
    if (job == null) {
      throw ProblemException.notFound(
          "import-not-found", "Import " + id + " does not exist; use the id that POST returned");
    }
    return job;
  }

  private Path spool(InputStream body) {
    Path spooled = newSpoolFile();
    long limit = config.imports().maxArchiveBytes();
    long total = 0;
    byte[] buffer = new byte[65536];
    try (OutputStream out = Files.newOutputStream(spooled)) {
      int read;
      while ((read = body.read(buffer)) > 0) {
        total += read;
        if (total > limit) {
          throw archiveTooLarge();
        }
        out.write(buffer, 0, read);
      }
    } catch (IOException e) {
      deleteQuietly(spooled);
      throw new UncheckedIOException("Cannot spool the uploaded archive to " + spooled, e);
    } catch (RuntimeException e) {
      deleteQuietly(spooled);
      throw e;
    }
    if (total == 0) {
      deleteQuietly(spooled);
      throw ProblemException.badRequest(
          "empty-file", "The request body is empty; send the zip archive's bytes");
    }
    return spooled;
  }

  private ProblemException archiveTooLarge() {
    return ProblemException.tooLarge(
        "archive-too-large",
        "The archive is larger than "
            + config.imports().maxArchiveBytes()
            + " bytes (saguaro.ingest.imports.max-archive-bytes); split it into smaller archives");
  }

  private Path newSpoolFile() {
    return spoolDirectory.resolve("import-" + UUID.randomUUID() + ".zip");
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      Log.warnf(e, "Cannot delete the spooled archive %s; delete it by hand", file);
    }
  }
}
