package dev.saguaro.inference.batching;

import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.metrics.InferenceMetrics;
import dev.saguaro.inference.serving.LoadedModel;
import dev.saguaro.inference.serving.PreprocessedImage;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Groups preprocessed images from concurrent requests into one {@code classify} call.
 *
 * <p>A batch runs when it holds {@code max-batch-size} images, when its oldest image has waited
 * {@code max-batch-delay-micros}, or, with {@code close-when-idle}, as soon as no request is
 * preprocessing an image, because then no further image is known to be on its way. A due batch
 * takes the largest of the {@code allowed-batch-sizes} that its queued images fill, and the others
 * wait for the next batch. While a batch thread runs one call, the next batch fills, so batches
 * grow with concurrency. A batch only holds images of one model version: each image carries the
 * version its request took a lease on, which is how requests that began before a version switch
 * finish on the old version.
 *
 * <p>With batching off (or a maximum batch size of 1), {@link #classify} runs the call on the
 * calling thread. So does {@link #classifyAlone} for a request of one image that finds the batcher
 * idle, where a batch thread would only have run it alone. At most as many calls run at once as
 * there are batch threads. Thread-safe; the batch threads stop when the service stops.
 */
@ApplicationScoped
public class MicroBatcher {

  private final InferenceMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<PendingImage> queue = new ArrayDeque<>();
  private final AtomicInteger preprocessing = new AtomicInteger();
  private final List<Thread> threads = new ArrayList<>();

  /** Number of calls running now, on batch threads or inline. Guarded by {@link #lock}. */
  private int running;

  private volatile BatchPolicy policy;
  private volatile boolean stopped;

  public MicroBatcher(InferenceConfig config, InferenceMetrics metrics) {
    this.metrics = metrics;
    this.policy = BatchPolicy.from(config.batching());
    int configured = config.batching().threads();
    int count = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < count; i++) {
      Thread thread = new Thread(this::runBatches, "saguaro-batch-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    Log.infof(
        "Micro-batching %s: max-batch-size %d, allowed-batch-sizes %s, max-batch-delay-micros %d,"
            + " close-when-idle %s, %d thread(s)",
        policy.queues() ? "on" : "off",
        policy.maxBatchSize(),
        policy.allowedBatchSizes(),
        policy.maxBatchDelayMicros(),
        policy.closeWhenIdle(),
        count);
  }

  void onStop(@Observes ShutdownEvent event) {
    stopped = true;
    threads.forEach(Thread::interrupt);
  }

  /** Returns the number of batch threads, resolved from the configuration. */
  public int threadCount() {
    return threads.size();
  }

  /** The policy in force. */
  public BatchPolicy policy() {
    return policy;
  }

  /**
   * Replaces the policy for the batches that form from now on. Meant for tuning and benchmarks;
   * nothing exposes it over HTTP.
   */
  public void updatePolicy(BatchPolicy next) {
    policy = next;
    Log.infof("Micro-batching policy changed to %s", next);
    signal();
  }

  /** Marks the start of a request's preprocessing, which keeps an idle batch waiting for it. */
  public void beginPreprocessing() {
    preprocessing.incrementAndGet();
  }

  /** Marks the end of a request's preprocessing, after its images were submitted. */
  public void endPreprocessing() {
    if (preprocessing.decrementAndGet() == 0 && policy.closeWhenIdle()) {
      signal();
    }
  }

  /**
   * Classifies one image with {@code model}, alone or in a batch with others.
   *
   * @param model the version the caller holds a lease on, kept until the future completes
   * @param image closed by the caller after the future completes
   */
  public CompletableFuture<Classification> classify(LoadedModel model, PreprocessedImage image) {
    if (!policy.queues()) {
      return CompletableFuture.completedFuture(classifyDirectly(model, image));
    }
    PendingImage pending = new PendingImage(model, image, System.nanoTime());
    lock.lock();
    try {
      queue.addLast(pending);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return pending.result();
  }

  /**
   * Classifies the only image of a request, between {@link #beginPreprocessing} and {@link
   * #endPreprocessing} like {@link #classify}.
   *
   * <p>With {@code close-when-idle}, when nothing is queued or running and no other request is
   * preprocessing, a batch thread would take this image at once as a batch of one. The image then
   * runs on the calling thread instead: the result is the same, and the request skips the hand-off
   * to a batch thread and back, which cost about 0.4 ms per request on a 2-core machine. Otherwise
   * the image is queued as by {@link #classify}.
   */
  public CompletableFuture<Classification> classifyAlone(
      LoadedModel model, PreprocessedImage image) {
    BatchPolicy current = policy;
    if (!current.queues() || !current.closeWhenIdle()) {
      return classify(model, image);
    }
    lock.lock();
    try {
      // Idle means that no call runs at all, so that requests under load still go through the
      // queue and share batches.
      boolean idle = queue.isEmpty() && preprocessing.get() <= 1 && running == 0;
      if (!idle) {
        return classify(model, image);
      }
      running++;
    } finally {
      lock.unlock();
    }
    try {
      metrics.recordQueueWait(0);
      return CompletableFuture.completedFuture(classifyDirectly(model, image));
    } finally {
      finishCall();
    }
  }

  private Classification classifyDirectly(LoadedModel model, PreprocessedImage image) {
    long started = System.nanoTime();
    float[] probabilities = model.classify(List.of(image))[0];
    long classifyNanos = System.nanoTime() - started;
    metrics.recordBatch(1, classifyNanos);
    return new Classification(probabilities, model.version(), 1, 0, classifyNanos);
  }

  private void runBatches() {
    while (!stopped) {
      List<PendingImage> batch;
      try {
        batch = takeBatch();
      } catch (InterruptedException e) {
        if (stopped) {
          break;
        }
        continue;
      }
      try {
        runBatch(batch);
      } finally {
        finishCall();
      }
    }
    failQueued();
  }

  /** Waits until a batch is due under the current policy and removes it from the queue. */
  private List<PendingImage> takeBatch() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty()) {
        changed.await();
      }
      while (true) {
        BatchPolicy current = policy;
        PendingImage oldest = queue.peekFirst();
        if (oldest == null) {
          changed.await();
          continue;
        }
        long waitNanos =
            oldest.enqueuedNanos() + current.maxBatchDelayMicros() * 1000 - System.nanoTime();
        int queued = countSameVersion(oldest.model(), current.maxBatchSize());
        boolean full = queued >= current.maxBatchSize();
        boolean idle = current.closeWhenIdle() && preprocessing.get() == 0;
        boolean due = full || idle || waitNanos <= 0 || !current.queues();
        if (due && running < threads.size()) {
          running++;
          return drain(oldest.model(), current.batchSizeFor(queued));
        }
        // A due batch waits only while an inline call takes the last slot, and finishCall() wakes
        // it.
        if (due) {
          changed.await();
        } else {
          changed.awaitNanos(waitNanos);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private int countSameVersion(LoadedModel model, int limit) {
    int count = 0;
    for (PendingImage pending : queue) {
      if (pending.model() == model && ++count >= limit) {
        break;
      }
    }
    return count;
  }

  private List<PendingImage> drain(LoadedModel model, int limit) {
    List<PendingImage> batch = new ArrayList<>(Math.min(limit, queue.size()));
    Iterator<PendingImage> iterator = queue.iterator();
    while (iterator.hasNext() && batch.size() < limit) {
      PendingImage pending = iterator.next();
      if (pending.model() == model) {
        batch.add(pending);
        iterator.remove();
      }
    }
    return batch;
  }

  private void runBatch(List<PendingImage> batch) {
    LoadedModel model = batch.get(0).model();
    long started = System.nanoTime();
    try {
      List<PreprocessedImage> images = new ArrayList<>(batch.size());
      for (PendingImage pending : batch) {
        images.add(pending.image());
      }
      float[][] rows = model.classify(images);
      long classifyNanos = System.nanoTime() - started;
      metrics.recordBatch(batch.size(), classifyNanos);
      for (int i = 0; i < batch.size(); i++) {
        PendingImage pending = batch.get(i);
        long queueNanos = started - pending.enqueuedNanos();
        metrics.recordQueueWait(queueNanos);
        pending
            .result()
            .complete(
                new Classification(
                    rows[i], model.version(), batch.size(), queueNanos, classifyNanos));
      }
    } catch (RuntimeException e) {
      Log.errorf(
          e,
          "classify failed for a batch of %d images on model %s version %d",
          batch.size(),
          model.modelName(),
          model.version());
      batch.forEach(pending -> pending.result().completeExceptionally(e));
    }
  }

  /** Frees the slot of a finished call and wakes a batch that waited for it. */
  private void finishCall() {
    lock.lock();
    try {
      running--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void failQueued() {
    lock.lock();
    try {
      IllegalStateException stopping = new IllegalStateException("the service is stopping");
      queue.forEach(pending -> pending.result().completeExceptionally(stopping));
      queue.clear();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** An image waiting for its batch. */
  private record PendingImage(
      LoadedModel model,
      PreprocessedImage image,
      long enqueuedNanos,
      CompletableFuture<Classification> result) {

    PendingImage(LoadedModel model, PreprocessedImage image, long enqueuedNanos) {
      this(model, image, enqueuedNanos, new CompletableFuture<>());
    }
  }
}
