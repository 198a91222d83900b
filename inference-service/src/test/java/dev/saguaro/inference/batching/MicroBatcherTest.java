package dev.saguaro.inference.batching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.saguaro.inference.metrics.InferenceMetrics;
import dev.saguaro.inference.serving.LoadedModel;
import dev.saguaro.inference.serving.PreprocessedImage;
import dev.saguaro.inference.serving.TestModelLoading;
import dev.saguaro.inference.support.TestConfigs;
import dev.saguaro.inference.support.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch formation of the {@link MicroBatcher} with real tiny models. */
class MicroBatcherTest {

  @TempDir static Path directory;

  private static LoadedModel first;
  private static LoadedModel second;
  private final List<PreprocessedImage> images = new ArrayList<>();
  private MicroBatcher batcher;

  @BeforeAll
  static void loadModels() throws Exception {
    first = TestModelLoading.loadTinyModel(1, directory.resolve("first"));
    second = TestModelLoading.loadTinyModel(2, directory.resolve("second"));
  }

  @AfterAll
  static void closeModels() {
    TestModelLoading.retire(first);
    TestModelLoading.retire(second);
  }

  @AfterEach
  void stopBatcher() {
    batcher.onStop(null);
    images.forEach(PreprocessedImage::close);
  }

  @Test
  void concurrentImagesShareOneCall() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 5_000_000, false));

    List<CompletableFuture<Classification>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(batcher.classify(first, image(first, i)));
    }

    for (CompletableFuture<Classification> result : results) {
      Classification classification = result.get(10, TimeUnit.SECONDS);
      assertThat(classification.batchSize()).isEqualTo(8);
      assertThat(classification.modelVersion()).isEqualTo(1);
    }
  }

  @Test
  void loneImageWaitsForTheDelay() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 50_000, false));

    Classification classification =
        batcher.classify(first, image(first, 1)).get(10, TimeUnit.SECONDS);

    assertThat(classification.batchSize()).isEqualTo(1);
    assertThat(classification.queueNanos()).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(classification.queueNanos()).isLessThan(2_000_000_000L);
  }

  @Test
  void idleBatcherRunsLoneImageAtOnce() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 10_000_000, true));

    batcher.beginPreprocessing();
    CompletableFuture<Classification> result = batcher.classify(first, image(first, 2));
    batcher.endPreprocessing();

    Classification classification = result.get(5, TimeUnit.SECONDS);
    assertThat(classification.batchSize()).isEqualTo(1);
    assertThat(classification.queueNanos()).isLessThan(1_000_000_000L);
  }

  @Test
  void idleBatcherRunsLoneRequestInline() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 10_000_000, true));

    batcher.beginPreprocessing();
    CompletableFuture<Classification> result = batcher.classifyAlone(first, image(first, 4));
    boolean doneOnReturn = result.isDone();
    batcher.endPreprocessing();

    assertThat(doneOnReturn).as("completed before classifyAlone returned").isTrue();
    assertThat(result.get().batchSize()).isEqualTo(1);
    assertThat(result.get().queueNanos()).isZero();
    assertThat(result.get().modelVersion()).isEqualTo(1);
  }

  @Test
  void loneRequestJoinsPreprocessingRequest() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 10_000_000, true));

    batcher.beginPreprocessing();
    batcher.beginPreprocessing();
    CompletableFuture<Classification> alone = batcher.classifyAlone(first, image(first, 5));
    boolean doneBeforeOtherRequest = alone.isDone();
    CompletableFuture<Classification> other = batcher.classify(first, image(first, 6));
    batcher.endPreprocessing();
    batcher.endPreprocessing();

    assertThat(doneBeforeOtherRequest).as("completed before the other request's image").isFalse();
    assertThat(alone.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
    assertThat(other.get(10, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
  }

  @Test
  void versionsNeverShareABatch() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 200_000, false));

    List<CompletableFuture<Classification>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      LoadedModel model = i % 2 == 0 ? first : second;
      results.add(batcher.classify(model, image(model, i)));
    }

    for (int i = 0; i < 8; i++) {
      Classification classification = results.get(i).get(10, TimeUnit.SECONDS);
      assertThat(classification.modelVersion()).isEqualTo(i % 2 == 0 ? 1 : 2);
      assertThat(classification.batchSize()).isEqualTo(4);
    }
  }

  @Test
  void dueBatchSplitsAtAllowedSizes() throws Exception {
    batcher = newBatcher(new BatchPolicy(true, 8, 200_000, false, List.of(1, 2, 4, 8)));

    List<CompletableFuture<Classification>> results = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      results.add(batcher.classify(first, image(first, i)));
    }

    List<Integer> sizes = new ArrayList<>();
    for (CompletableFuture<Classification> result : results) {
      sizes.add(result.get(10, TimeUnit.SECONDS).batchSize());
    }
    // Seven queued images are due together: 4 run first, then 2, then 1; none waits for a pad.
    assertThat(sizes).containsExactly(4, 4, 4, 4, 2, 2, 1);
  }

  @Test
  void disabledBatchingRunsOnCallingThread() throws Exception {
    batcher = newBatcher(new BatchPolicy(false, 8, 1_000_000, false));

    CompletableFuture<Classification> result = batcher.classify(second, image(second, 3));

    assertThat(result).isDone();
    assertThat(result.get().batchSize()).isEqualTo(1);
    assertThat(result.get().queueNanos()).isZero();
    assertThat(result.get().modelVersion()).isEqualTo(2);
  }

  private MicroBatcher newBatcher(BatchPolicy policy) {
    MicroBatcher created =
        new MicroBatcher(
            TestConfigs.inferenceConfig(Map.of()), new InferenceMetrics(new SimpleMeterRegistry()));
    created.updatePolicy(policy);
    return created;
  }

  private PreprocessedImage image(LoadedModel model, int seed) {
    PreprocessedImage image = TestModelLoading.preprocess(model, TestImages.png(20, seed));
    images.add(image);
    return image;
  }
}
