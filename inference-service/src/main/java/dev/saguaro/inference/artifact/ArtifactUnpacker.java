package dev.saguaro.inference.artifact;

import dev.saguaro.inference.serving.LoadStep;
import dev.saguaro.inference.serving.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks an artifact zip into a directory, refusing what could escape or flood it.
 *
 * <p>An entry whose name is absolute or climbs out of the target with {@code ..} is rejected, and
 * so is an archive whose unpacked size exceeds the limit, counted from the bytes actually written
 * rather than from the sizes the archive claims. The central directory at the end of the zip is
 * read first, so a truncated download fails before anything is written. Stateless and thread-safe.
 */
public final class ArtifactUnpacker {

  private static final int BUFFER_BYTES = 64 * 1024;

  private final long maxUnpackedBytes;

  public ArtifactUnpacker(long maxUnpackedBytes) {
    this.maxUnpackedBytes = maxUnpackedBytes;
  }

  /**
   * Unpacks {@code zip} into the empty or missing directory {@code target}.
   *
   * @throws ModelLoadException at step {@link LoadStep#UNPACK} when the file is not a readable zip,
   *     an entry name is unsafe or the unpacked size exceeds the limit
   */
  public void unpack(Path zip, Path target) throws ModelLoadException {
    Path root = target.toAbsolutePath().normalize();
    try (ZipFile archive = new ZipFile(zip.toFile())) {
      Files.createDirectories(root);
      long written = 0;
      Enumeration<? extends ZipEntry> entries = archive.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        Path destination = resolveSafely(root, entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(destination);
          continue;
        }
        Files.createDirectories(destination.getParent());
        try (InputStream in = archive.getInputStream(entry);
            OutputStream out = Files.newOutputStream(destination)) {
          written = copyWithinLimit(in, out, written, entry.getName());
        }
      }
    } catch (ZipException e) {
      throw new ModelLoadException(
          LoadStep.UNPACK,
          "the artifact is not a valid zip (truncated or corrupt): " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new ModelLoadException(LoadStep.UNPACK, "unpacking failed: " + e.getMessage(), e);
    }
  }

  private long copyWithinLimit(InputStream in, OutputStream out, long written, String entryName)
      throws IOException, ModelLoadException {
    byte[] buffer = new byte[BUFFER_BYTES];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      written += read;
      if (written > maxUnpackedBytes) {
        throw new ModelLoadException(
            LoadStep.UNPACK,
            "unpacked size exceeds saguaro.inference.loading.max-unpacked-bytes = "
                + maxUnpackedBytes
                + " at entry '"
                + entryName
                + "'");
      }
      out.write(buffer, 0, read);
    }
    return written;
  }

  private static Path resolveSafely(Path root, String entryName) throws ModelLoadException {
    Path destination = root.resolve(entryName).normalize();
    if (entryName.startsWith("/") || entryName.contains("\\") || !destination.startsWith(root)) {
      throw new ModelLoadException(
          LoadStep.UNPACK, "the artifact contains an unsafe entry name '" + entryName + "'");
    }
    return destination;
  }
}
