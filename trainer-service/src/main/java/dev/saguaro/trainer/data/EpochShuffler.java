package dev.saguaro.trainer.data;

import java.util.Random;

/**
 * The training order of each epoch, drawn the way a shuffle buffer draws it: the buffer starts with
 * the first {@code bufferSize} examples, each step emits a random buffer slot and refills it with
 * the next example. A buffer at least as large as the set gives a uniform shuffle. The order
 * depends only on the seed, the epoch and the sizes, so runs repeat exactly.
 */
public final class EpochShuffler {

  private final long seed;
  private final int bufferSize;

  public EpochShuffler(long seed, int bufferSize) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize " + bufferSize + " must be 1 or more");
    }
    this.seed = seed;
    this.bufferSize = bufferSize;
  }

  /** Returns a permutation of {@code 0..count-1} for the epoch (counted from 1). */
  public int[] order(int epoch, int count) {
    Random random = new Random(seed * 1_000_003L + epoch);
    int[] buffer = new int[Math.min(bufferSize, count)];
    for (int i = 0; i < buffer.length; i++) {
      buffer[i] = i;
    }
    int filled = buffer.length;
    int next = buffer.length;
    int[] order = new int[count];
    for (int position = 0; position < count; position++) {
      int slot = random.nextInt(filled);
      order[position] = buffer[slot];
      if (next < count) {
        buffer[slot] = next++;
      } else {
        buffer[slot] = buffer[--filled];
      }
    }
    return order;
  }
}
