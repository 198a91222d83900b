package dev.saguaro.ingest.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers; every Java runtime provides the algorithm. */
public final class Sha256 {

  private Sha256() {}

  /** Returns a new digest; {@link MessageDigest} instances are not thread-safe. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /** Returns the lowercase hex SHA-256 of {@code content}. */
  public static String hex(byte[] content) {
    return HexFormat.of().formatHex(newDigest().digest(content));
  }

  /** Returns whether {@code value} looks like a lowercase hex SHA-256. */
  public static boolean isHex(String value) {
    return value != null && value.matches("[0-9a-f]{64}");
  }
}
