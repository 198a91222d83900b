package dev.saguaro.tools.fashion;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Destination of the converter's files: a folder, or one zip file. Not thread-safe. */
interface DatasetSink extends Closeable {

  /** Writes {@code content} at {@code relativePath}, a path with {@code /} separators. */
  void write(String relativePath, byte[] content) throws IOException;

  /** Opens a sink at {@code output}, which must not exist yet (an empty folder is accepted). */
  static DatasetSink open(Path output, boolean zip) throws IOException {
    return zip ? new ZipSink(output) : new FolderSink(output);
  }

  /** Writes files under a folder, creating sub-folders as needed. */
  final class FolderSink implements DatasetSink {
    private final Path root;

    FolderSink(Path root) throws IOException {
      if (Files.exists(root) && !isEmptyDirectory(root)) {
        throw new IOException(
            root + " already exists and is not an empty folder; choose another --output");
      }
      this.root = Files.createDirectories(root);
    }

    @Override
    public void write(String relativePath, byte[] content) throws IOException {
      Path file = root.resolve(relativePath);
      Files.createDirectories(file.getParent());
      Files.write(file, content);
    }

    @Override
    public void close() {}

    private static boolean isEmptyDirectory(Path path) throws IOException {
      if (!Files.isDirectory(path)) {
        return false;
      }
      try (var entries = Files.list(path)) {
        return entries.findFirst().isEmpty();
      }
    }
  }

  /** Writes entries into a new zip file. */
  final class ZipSink implements DatasetSink {
    private final ZipOutputStream zip;

    ZipSink(Path file) throws IOException {
      if (Files.exists(file)) {
        throw new IOException(file + " already exists; choose another --output");
      }
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW);
      this.zip = new ZipOutputStream(new BufferedOutputStream(out));
    }

    @Override
    public void write(String relativePath, byte[] content) throws IOException {
      zip.putNextEntry(new ZipEntry(relativePath));
      zip.write(content);
      zip.closeEntry();
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }
}
