package dev.saguaro.inference.support;

import dev.saguaro.contracts.ModelSignatures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Builds and rewrites artifact zips for tests. */
public final class Artifacts {

  private Artifacts() {}

  /** Zips a SavedModel directory with {@code metadataJson} as its metadata entry. */
  public static byte[] zip(Path savedModel, String metadataJson) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes);
        Stream<Path> files = Files.walk(savedModel)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = savedModel.relativize(file).toString().replace('\\', '/');
        if (name.equals(ModelSignatures.METADATA_ENTRY)) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry(ModelSignatures.METADATA_ENTRY));
      zip.write(metadataJson.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Returns a copy of an artifact zip with its metadata entry replaced by {@code metadataJson}. */
  public static byte[] withMetadata(byte[] artifact, String metadataJson) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(artifact.length + 1024);
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(artifact));
        ZipOutputStream out = new ZipOutputStream(bytes)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (entry.getName().equals(ModelSignatures.METADATA_ENTRY) || entry.isDirectory()) {
          continue;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry(ModelSignatures.METADATA_ENTRY));
      out.write(metadataJson.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads the metadata entry of an artifact zip. */
  public static String readMetadata(byte[] artifact) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(artifact))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (entry.getName().equals(ModelSignatures.METADATA_ENTRY)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("The artifact has no " + ModelSignatures.METADATA_ENTRY);
  }

  /** Lowercase hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Names of the entries of an artifact zip. */
  public static List<String> entryNames(byte[] artifact) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(artifact))) {
      java.util.ArrayList<String> names = new java.util.ArrayList<>();
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        names.add(entry.getName());
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory does not affect the test.
    }
  }
}
