package dev.saguaro.ingest.storage;

import dev.saguaro.ingest.config.IngestConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BlobStore} on a local directory. A blob with hash {@code abcd...} lives at {@code
 * <dir>/ab/cd/abcd...}; two directory levels keep each directory small at millions of blobs.
 *
 * <p>Each blob is written to a temporary file in its final directory and then renamed, so a crash
 * never leaves a partial file under a hash name, and two writers of the same bytes both end with
 * the same complete file. Thread-safe.
 */
@ApplicationScoped
public class FileSystemBlobStore implements BlobStore {

  private final Path root;
  private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();

  @Inject
  public FileSystemBlobStore(IngestConfig config) {
    this(config.storage().blobDirectory());
  }

  /** Creates a store in {@code root}, creating the directory if needed. */
  public FileSystemBlobStore(Path root) {
    this.root = root.toAbsolutePath();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the blob directory "
              + this.root
              + "; set saguaro.ingest.storage.blob-directory to a writable path",
          e);
    }
    Log.infof("Blob store in %s", this.root);
  }

  @Override
  public boolean store(String sha256, byte[] content) throws IOException {
    Path target = pathOf(sha256);
    if (Files.exists(target)) {
      return false;
    }
    Path directory = ensureDirectory(target.getParent());
    Path temporary = directory.resolve("." + sha256 + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(temporary, content);
      moveIntoPlace(temporary, target);
    } finally {
      Files.deleteIfExists(temporary);
    }
    return true;
  }

  @Override
  public StoredBlob storeFile(Path source) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    Path incoming = ensureDirectory(root.resolve("incoming"));
    Path temporary = incoming.resolve(UUID.randomUUID() + ".tmp");
    long size;
    try {
      try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest);
          OutputStream out = Files.newOutputStream(temporary)) {
        size = in.transferTo(out);
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      Path target = pathOf(sha256);
      if (!Files.exists(target)) {
        ensureDirectory(target.getParent());
        moveIntoPlace(temporary, target);
      }
      return new StoredBlob(sha256, size);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return Files.newInputStream(pathOf(sha256));
  }

  @Override
  public byte[] read(String sha256) throws IOException {
    return Files.readAllBytes(pathOf(sha256));
  }

  @Override
  public boolean contains(String sha256) {
    return Files.exists(pathOf(sha256));
  }

  /** Returns the root directory. */
  public Path root() {
    return root;
  }

  private Path pathOf(String sha256) {
    if (!Sha256.isHex(sha256)) {
      throw new IllegalArgumentException("Not a lowercase hex SHA-256: " + sha256);
    }
    return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  private Path ensureDirectory(Path directory) throws IOException {
    if (!knownDirectories.contains(directory)) {
      Files.createDirectories(directory);
      knownDirectories.add(directory);
    }
    return directory;
  }

  private static void moveIntoPlace(Path temporary, Path target) throws IOException {
    try {
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // Another writer stored the same bytes first; its file is identical.
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new IOException("Blob directory vanished while writing " + target, e);
    }
  }
}
