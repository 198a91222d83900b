package dev.saguaro.ingest.importing;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.domain.ImageInfo;
import dev.saguaro.ingest.domain.ImageInspector;
import dev.saguaro.ingest.importing.ImportPlan.ImportItem;
import dev.saguaro.ingest.storage.BlobStore;
import dev.saguaro.ingest.storage.ImageRowWriter;
import dev.saguaro.ingest.storage.ImageRowWriter.ImageRow;
import dev.saguaro.ingest.storage.ImportJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Imports the images of a planned archive, chunk by chunk.
 *
 * <p>Each chunk is read, validated, hashed and written to the blob store by a pool of worker
 * threads, then inserted with one statement in one transaction together with the job's updated
 * counters, so the report never runs ahead of the stored rows. The insert of one chunk overlaps
 * with the processing of the next. Images are rejected one by one with a reason. The import fails
 * as a whole only when the archive's real uncompressed size passes the limit (a zip whose headers
 * lie about sizes) or the archive becomes unreadable. Thread-safe.
 */
@ApplicationScoped
public class ImportWorker {

  private final ImageInspector inspector;
  private final BlobStore blobStore;
  private final ImageRowWriter rowWriter;
  private final MeterRegistry registry;
  private final IngestConfig.Imports settings;
  private final ExecutorService imagePool;
  private final ExecutorService insertPool;

  @Inject
  public ImportWorker(
      ImageInspector inspector,
      BlobStore blobStore,
      ImageRowWriter rowWriter,
      MeterRegistry registry,
      IngestConfig config) {
    this.inspector = inspector;
    this.blobStore = blobStore;
    this.rowWriter = rowWriter;
    this.registry = registry;
    this.settings = config.imports();
    // Blob writes wait on the file system, so twice the processors keeps them busy.
    int threads =
        settings.workerThreads() > 0
            ? settings.workerThreads()
            : 2 * Runtime.getRuntime().availableProcessors();
    this.imagePool = Executors.newFixedThreadPool(threads, namedThreads("import-image"));
    this.insertPool =
        Executors.newFixedThreadPool(settings.concurrentImports(), namedThreads("import-insert"));
  }

  @PreDestroy
  void shutdown() {
    imagePool.shutdownNow();
    insertPool.shutdownNow();
  }

  /** Runs the import of job {@code jobId}; records the outcome in the job row. */
  public void importArchive(UUID jobId, String dataset, String caller, ImportPlan plan) {
    long started = System.nanoTime();
    ImportProgress progress = new ImportProgress(settings.maxReportedRejections());
    updateJob(
        jobId,
        job -> {
          job.state = ImportJob.State.RUNNING;
          job.startedAt = Instant.now();
        });
    Log.infof(
        "Import %s into dataset %s started: %d images, %s layout, %d archive bytes",
        jobId, dataset, plan.items().size(), plan.layout(), plan.archiveBytes());

    String failure = null;
    try (ZipFile zip = new ZipFile(plan.archive().toFile())) {
      runChunks(jobId, dataset, caller, plan, zip, progress, started);
    } catch (ImportAbortedException e) {
      failure = e.getMessage();
    } catch (IOException e) {
      failure = "The archive became unreadable during the import (" + e.getMessage() + ")";
      Log.errorf(e, "Import %s into dataset %s failed reading the archive", jobId, dataset);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "The import was interrupted because the service stopped; upload the archive again";
    } catch (RuntimeException e) {
      failure = "The import failed unexpectedly (" + e.getMessage() + "); see the service log";
      Log.errorf(e, "Import %s into dataset %s failed", jobId, dataset);
    } finally {
      deleteQuietly(plan);
    }

    finishJob(jobId, progress, failure);
    double seconds = (System.nanoTime() - started) / 1e9;
    Log.infof(
        "Import %s into dataset %s %s in %.1f s: %d accepted, %d duplicates, %d rejected"
            + " (%.0f images/s)%s",
        jobId,
        dataset,
        failure == null ? "completed" : "failed",
        seconds,
        progress.accepted,
        progress.duplicates,
        progress.rejected,
        progress.processed / Math.max(seconds, 1e-9),
        failure == null ? "" : ": " + failure);
  }

  private void runChunks(
      UUID jobId,
      String dataset,
      String caller,
      ImportPlan plan,
      ZipFile zip,
      ImportProgress progress,
      long started)
      throws IOException, InterruptedException {
    List<ImportItem> items = plan.items();
    CompletableFuture<Void> pendingInsert = CompletableFuture.completedFuture(null);
    long lastLog = System.nanoTime();
    int from = 0;
    while (from < items.size()) {
      int to = chunkEnd(items, from);
      List<ImageOutcome> outcomes = processChunk(zip, items.subList(from, to), progress);
      awaitInsert(pendingInsert);
      pendingInsert =
          CompletableFuture.runAsync(
              () -> insertChunk(jobId, dataset, caller, outcomes, progress), insertPool);
      from = to;

      if (System.nanoTime() - lastLog > 5_000_000_000L) {
        lastLog = System.nanoTime();
        double seconds = (lastLog - started) / 1e9;
        Log.infof(
            "Import %s: %d of %d files read (%.0f files/s)", jobId, to, items.size(), to / seconds);
      }
    }
    awaitInsert(pendingInsert);
  }

  private int chunkEnd(List<ImportItem> items, int from) {
    long bytes = 0;
    int to = from;
    while (to < items.size() && to - from < settings.chunkSize()) {
      bytes += Math.max(0, items.get(to).declaredSize());
      if (bytes > settings.maxChunkBytes() && to > from) {
        break;
      }
      to++;
    }
    return to;
  }

  /** Outcome of one image before its row is inserted. */
  private record ImageOutcome(ImportItem item, ImageRow row, String rejection, long inflated) {}

  private List<ImageOutcome> processChunk(
      ZipFile zip, List<ImportItem> chunk, ImportProgress progress)
      throws InterruptedException, IOException {
    List<Future<ImageOutcome>> futures = new ArrayList<>(chunk.size());
    for (ImportItem item : chunk) {
      futures.add(imagePool.submit(() -> processImage(zip, item)));
    }
    List<ImageOutcome> outcomes = new ArrayList<>(chunk.size());
    for (Future<ImageOutcome> future : futures) {
      try {
        ImageOutcome outcome = future.get();
        progress.inflatedBytes += outcome.inflated();
        outcomes.add(outcome);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException("Processing an image failed", e.getCause());
      }
    }
    if (progress.inflatedBytes > settings.maxUncompressedBytes()) {
      throw new ImportAbortedException(
          "The archive inflates to more than "
              + settings.maxUncompressedBytes()
              + " bytes although its headers declare less (saguaro.ingest.imports"
              + ".max-uncompressed-bytes); it looks like a zip bomb, so the import stopped");
    }
    return outcomes;
  }

  private ImageOutcome processImage(ZipFile zip, ImportItem item) throws IOException {
    ZipEntry entry = zip.getEntry(item.entryName());
    byte[] content;
    try (InputStream in = zip.getInputStream(entry)) {
      content = BoundedRead.readAtMost(in, inspector.maxImageBytes());
    }
    if (content == null) {
      return new ImageOutcome(
          item,
          null,
          "larger than "
              + inspector.maxImageBytes()
              + " bytes uncompressed (saguaro.ingest.upload.max-image-bytes); send a smaller"
              + " image",
          inspector.maxImageBytes());
    }
    try {
      ImageInfo info = inspector.inspect(item.entryName(), content);
      blobStore.store(info.sha256(), content);
      ImageRow row =
          new ImageRow(
              UUID.randomUUID(),
              info.sha256(),
              item.label(),
              info.format().id(),
              info.width(),
              info.height(),
              info.sizeBytes(),
              item.entryName());
      return new ImageOutcome(item, row, null, content.length);
    } catch (ProblemException e) {
      return new ImageOutcome(item, null, e.detail(), content.length);
    }
  }

  private void insertChunk(
      UUID jobId,
      String dataset,
      String caller,
      List<ImageOutcome> outcomes,
      ImportProgress progress) {
    List<ImageRow> rows = new ArrayList<>(outcomes.size());
    for (ImageOutcome outcome : outcomes) {
      if (outcome.row() != null) {
        rows.add(outcome.row());
      }
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Set<UUID> inserted;
              try {
                inserted = rowWriter.insertNew(dataset, jobId, caller, Instant.now(), rows);
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(
                    "Inserting images of import " + jobId + " failed", e);
              }
              for (ImageOutcome outcome : outcomes) {
                progress.processed++;
                if (outcome.row() == null) {
                  progress.reject(outcome.item().entryName(), outcome.rejection());
                } else if (inserted.contains(outcome.row().id())) {
                  progress.accepted++;
                } else {
                  progress.duplicates++;
                }
              }
              ImportJob job = ImportJob.findById(jobId);
              copyProgress(progress, job);
            });
    registry.counter("saguaro.ingest.import.files").increment(outcomes.size());
  }

  private void finishJob(UUID jobId, ImportProgress progress, String failure) {
    updateJob(
        jobId,
        job -> {
          copyProgress(progress, job);
          job.state = failure == null ? ImportJob.State.COMPLETED : ImportJob.State.FAILED;
          job.failureReason = failure;
          job.finishedAt = Instant.now();
        });
    registry
        .counter("saguaro.ingest.imports", "outcome", failure == null ? "completed" : "failed")
        .increment();
  }

  private static void copyProgress(ImportProgress progress, ImportJob job) {
    job.processedFiles = progress.processed;
    job.accepted = progress.accepted;
    job.duplicates = progress.duplicates;
    job.rejected = progress.rejected;
    try {
      job.rejections = ContractCodec.mapper().writeValueAsString(progress.rejections);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the rejection list", e);
    }
  }

  private static void updateJob(UUID jobId, java.util.function.Consumer<ImportJob> change) {
    QuarkusTransaction.requiringNew().run(() -> change.accept(ImportJob.findById(jobId)));
  }

  private static void awaitInsert(CompletableFuture<Void> insert) throws InterruptedException {
    try {
      insert.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private static void deleteQuietly(ImportPlan plan) {
    try {
      Files.deleteIfExists(plan.archive());
    } catch (IOException e) {
      Log.warnf(e, "Cannot delete the spooled archive %s; delete it by hand", plan.archive());
    }
  }

  private static java.util.concurrent.ThreadFactory namedThreads(String prefix) {
    java.util.concurrent.atomic.AtomicInteger counter =
        new java.util.concurrent.atomic.AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Stops an import whose archive turned out to break a limit while it was read. */
  static final class ImportAbortedException extends RuntimeException {
    ImportAbortedException(String message) {
      super(message);
    }
  }
}
