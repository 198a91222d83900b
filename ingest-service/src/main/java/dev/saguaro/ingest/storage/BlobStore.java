package dev.saguaro.ingest.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Content-addressed storage of bytes: each blob is stored under the lowercase hex SHA-256 of its
 * content, so identical bytes are stored once. Blobs are never changed and never deleted, which is
 * what keeps snapshots and model versions readable after the images are deleted. Implementations
 * are thread-safe.
 */
public interface BlobStore {

  /**
   * Stores {@code content}, whose SHA-256 the caller computed as {@code sha256}, unless a blob with
   * that hash exists.
   *
   * @return whether the bytes were new to the store
   */
  boolean store(String sha256, byte[] content) throws IOException;

  /**
   * Moves the file at {@code source} into the store, computing its SHA-256 on the way.
   *
   * @return the hash and size of the stored blob
   */
  StoredBlob storeFile(Path source) throws IOException;

  /** Opens the blob for reading; the caller closes the stream. */
  InputStream open(String sha256) throws IOException;

  /** Reads the whole blob; for blobs known to be small, such as images. */
  byte[] read(String sha256) throws IOException;

  /** Whether a blob with that hash is stored. */
  boolean contains(String sha256);

  /** Hash and size of a stored blob. */
  record StoredBlob(String sha256, long sizeBytes) {}
}
