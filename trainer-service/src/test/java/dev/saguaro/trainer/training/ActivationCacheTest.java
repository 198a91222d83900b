package dev.saguaro.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationCacheTest {

  @TempDir Path spillDirectory;

  @Test
  void recordsRoundTripInMemoryAndSpilled() throws Exception {
    // Two tensors of 3 and 2 floats: 20 bytes per record, so a 50-byte budget keeps 2 in memory.
    try (ActivationCache cache = new ActivationCache(5, List.of(3, 2), 50, spillDirectory)) {
      float[][] batch = {
        {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42},
        {-0, -1, -10, -11, -20, -21, -30, -31, -40, -41}
      };
      for (int example = 0; example < 5; example++) {
        cache.put(example, batch, example);
      }

      assertThat(cache.memoryBytes()).isEqualTo(40);
      assertThat(cache.spilledBytes(5)).isEqualTo(60);
      float[][] read = cache.readBatch(new int[] {4, 0, 3});
      assertThat(read[0]).containsExactly(40, 41, 42, 0, 1, 2, 30, 31, 32);
      assertThat(read[1]).containsExactly(-40, -41, -0, -1, -30, -31);
    }
  }

  @Test
  void spillFileLeavesNothingBehind() throws Exception {
    ActivationCache cache = new ActivationCache(3, List.of(4), 0, spillDirectory);
    cache.put(2, new float[][] {{0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}}, 2);

    assertThat(cache.readBatch(new int[] {2})[0]).containsExactly(1, 2, 3, 4);
    cache.close();

    try (var files = Files.list(spillDirectory)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void budgetForAllRecordsCreatesNoFile() throws Exception {
    try (ActivationCache cache = new ActivationCache(3, List.of(4), 1 << 20, spillDirectory)) {
      assertThat(cache.spilledBytes(3)).isZero();
      try (var files = Files.list(spillDirectory)) {
        assertThat(files).isEmpty();
      }
    }
  }
}
