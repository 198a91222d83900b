package dev.saguaro.ingest.importing;

import java.util.ArrayList;
import java.util.List;

/**
 * Running totals of one import. Not thread-safe: the import's coordinating thread updates {@code
 * inflatedBytes}, and the insert of each chunk updates the counts, one insert at a time.
 *
 * @param maxListed rejected files listed by name; the count is always complete
 */
final class ImportProgress {

  /** A file that was not imported, and why. */
  record Rejection(String file, String reason) {}

  private final int maxListed;
  int processed;
  int accepted;
  int duplicates;
  int rejected;
  long inflatedBytes;
  final List<Rejection> rejections = new ArrayList<>();

  ImportProgress(int maxListed) {
    this.maxListed = maxListed;
  }

  void reject(String file, String reason) {
    rejected++;
    if (rejections.size() < maxListed) {
      rejections.add(new Rejection(file, reason));
    }
  }
}
