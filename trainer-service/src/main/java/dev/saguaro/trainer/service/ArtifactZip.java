package dev.saguaro.trainer.service;

import dev.saguaro.trainer.client.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Zips a SavedModel directory into a model artifact and unzips artifacts back. */
final class ArtifactZip {

  /** Largest total size an unzipped artifact may reach, a guard against corrupt archives. */
  static final long MAX_UNZIPPED_BYTES = 8L * 1024 * 1024 * 1024;

  private ArtifactZip() {}

  /**
   * Writes every file under {@code directory} into {@code zip} with paths relative to the
   * directory, so that {@code saved_model.pb} sits at the zip's root, and returns the lowercase hex
   * SHA-256 of the zip's bytes. Entries are sorted by path.
   */
  static String zipDirectory(Path directory, Path zip) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(directory)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }

    DigestOutputStream digesting =
        new DigestOutputStream(Files.newOutputStream(zip), Sha256.newDigest());
    try (ZipOutputStream out = new ZipOutputStream(digesting)) {
      for (Path file : files) {
        String name = directory.relativize(file).toString().replace('\\', '/');
        out.putNextEntry(new ZipEntry(name));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
    return Sha256.hex(digesting.getMessageDigest().digest());
  }

  /**
   * Unzips {@code zip} into {@code directory}.
   *
   * @throws IOException when an entry would land outside the directory or the content exceeds
   *     {@link #MAX_UNZIPPED_BYTES}
   */
  static void unzip(Path zip, Path directory) throws IOException {
    Path root = directory.toAbsolutePath().normalize();
    Files.createDirectories(root);
    long total = 0;
    try (InputStream file = Files.newInputStream(zip);
        ZipInputStream in = new ZipInputStream(file)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("Zip entry " + entry.getName() + " points outside the directory");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          total += in.transferTo(out);
        }
        if (total > MAX_UNZIPPED_BYTES) {
          throw new IOException("Artifact unzips to more than " + MAX_UNZIPPED_BYTES + " bytes");
        }
      }
    }
  }

  /** Deletes {@code root} and everything under it; missing paths are ignored. */
  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
