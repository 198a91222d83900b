package dev.saguaro.trainer.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Activations at a network cut, one record per example, computed once per run and read by every
 * epoch. A record contains the example's slice of each boundary tensor, one after the other.
 *
 * <p>Records of the first examples stay on the Java heap up to a memory budget. The rest go to a
 * file in the spill directory, read back with positional reads. The file is opened with {@code
 * DELETE_ON_CLOSE}, which on Linux removes its name at once, so it never outlives the process.
 * Owned by one phase of one run, which calls {@link #close()}. Not thread-safe.
 */
final class ActivationCache implements AutoCloseable {

  private final int[] tensorSizes;
  private final int recordFloats;
  private final int memoryRecords;
  private final float[][] records;
  private final Path spillFile;
  private final FileChannel spill;

  /**
   * Creates an empty cache.
   *
   * @param exampleCount number of records
   * @param tensorSizes floats per example of each boundary tensor
   * @param memoryBudgetBytes bytes of records kept on the heap
   * @param spillDirectory where the file for the remaining records is created; {@code null} means
   *     the JVM's temporary directory
   */
  ActivationCache(
      int exampleCount, List<Integer> tensorSizes, long memoryBudgetBytes, Path spillDirectory) {
    this.tensorSizes = tensorSizes.stream().mapToInt(Integer::intValue).toArray();
    int floats = 0;
    for (int size : this.tensorSizes) {
      floats += size;
    }
    this.recordFloats = floats;
    long recordBytes = 4L * recordFloats;
    this.memoryRecords = (int) Math.min(exampleCount, Math.max(0, memoryBudgetBytes / recordBytes));
    this.records = new float[memoryRecords][];
    if (memoryRecords < exampleCount) {
      if (spillDirectory == null) {
        spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
      }
      try {
        Files.createDirectories(spillDirectory);
        spillFile = Files.createTempFile(spillDirectory, "activations-", ".bin");
        spill =
            FileChannel.open(
                spillFile,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Failed to create an activation cache file in " + spillDirectory, e);
      }
    } else {
      spillFile = null;
      spill = null;
    }
  }

  /** Returns the bytes held on the heap once every record is stored. */
  long memoryBytes() {
    return 4L * recordFloats * memoryRecords;
  }

  /** Returns the bytes written to the spill file once every record is stored. */
  long spilledBytes(int exampleCount) {
    return 4L * recordFloats * Math.max(0, exampleCount - memoryRecords);
  }

  /**
   * Stores one example's record, taken from row {@code row} of each batch array.
   *
   * @param batches one array per boundary tensor, each {@code [batch, tensorSize]} flattened
   */
  void put(int example, float[][] batches, int row) {
    float[] record = new float[recordFloats];
    int offset = 0;
    for (int t = 0; t < tensorSizes.length; t++) {
      System.arraycopy(batches[t], row * tensorSizes[t], record, offset, tensorSizes[t]);
      offset += tensorSizes[t];
    }
    if (example < memoryRecords) {
      records[example] = record;
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(4 * recordFloats).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(record);
    try {
      long position = 4L * recordFloats * (example - memoryRecords);
      while (buffer.hasRemaining()) {
        position += spill.write(buffer, position);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to write the activation cache file " + spillFile, e);
    }
  }

  /**
   * Copies the records of {@code examples} into one array per boundary tensor, row by row, ready to
   * become the batch tensors.
   */
  float[][] readBatch(int[] examples) {
    float[][] batches = new float[tensorSizes.length][];
    for (int t = 0; t < tensorSizes.length; t++) {
      batches[t] = new float[examples.length * tensorSizes[t]];
    }
    for (int row = 0; row < examples.length; row++) {
      float[] record = readRecord(examples[row]);
      int offset = 0;
      for (int t = 0; t < tensorSizes.length; t++) {
        System.arraycopy(record, offset, batches[t], row * tensorSizes[t], tensorSizes[t]);
        offset += tensorSizes[t];
      }
    }
    return batches;
  }

  private float[] readRecord(int example) {
    if (example < memoryRecords) {
      return records[example];
    }
    ByteBuffer buffer = ByteBuffer.allocate(4 * recordFloats).order(ByteOrder.LITTLE_ENDIAN);
    try {
      long position = 4L * recordFloats * (example - memoryRecords);
      while (buffer.hasRemaining()) {
        int read = spill.read(buffer, position);
        if (read < 0) {
          throw new IOException("Unexpected end of file at example " + example);
        }
        position += read;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failed to read the activation cache file " + spillFile, e);
    }
    buffer.flip();
    float[] record = new float[recordFloats];
    buffer.asFloatBuffer().get(record);
    return record;
  }

  @Override
  public void close() {
    if (spill != null) {
      try {
        spill.close();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Failed to delete the activation cache file " + spillFile, e);
      }
    }
  }
}
