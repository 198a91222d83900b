package dev.saguaro.ingest.importing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads streams whose declared length may be a lie, as in a zip bomb. */
final class BoundedRead {

  private BoundedRead() {}

  /**
   * Reads {@code in} to its end, or returns {@code null} as soon as more than {@code maxBytes}
   * arrive, so a lying entry never fills the heap.
   */
  static byte[] readAtMost(InputStream in, long maxBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[16384];
    long total = 0;
    int read;
    while ((read = in.read(buffer)) > 0) {
      total += read;
      if (total > maxBytes) {
        return null;
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }
}
