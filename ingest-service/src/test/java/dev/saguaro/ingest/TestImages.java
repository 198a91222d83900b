package dev.saguaro.ingest;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds image files and zip archives for tests. */
public final class TestImages {

  private TestImages() {}

  /** A JPEG of {@code size} x {@code size} pixels whose colour depends on {@code seed}. */
  public static byte[] jpeg(int seed, int size) {
    return encode(image(seed, size), "jpeg");
  }

  /** A PNG of {@code size} x {@code size} pixels whose colour depends on {@code seed}. */
  public static byte[] png(int seed, int size) {
    return encode(image(seed, size), "png");
  }

  /** A tiny GIF, a format the service does not accept. */
  public static byte[] gif(int seed) {
    return encode(image(seed, 8), "gif");
  }

  /** The first half of a JPEG. */
  public static byte[] truncatedJpeg(int seed) {
    byte[] full = jpeg(seed, 32);
    return Arrays.copyOf(full, full.length / 2);
  }

  /**
   * A valid PNG whose header declares {@code width} x {@code height} pixels while the file stays a
   * few hundred bytes: a decompression bomb, if anyone decoded it.
   */
  public static byte[] pngDeclaring(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13);
    header.putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0);
    header.put((byte) 0).put((byte) 0);
    writeChunk(out, "IHDR", header.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[width + 1]);
    deflater.finish();
    byte[] compressed = new byte[1024];
    int length = deflater.deflate(compressed);
    writeChunk(out, "IDAT", Arrays.copyOf(compressed, length));
    writeChunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static BufferedImage image(int seed, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(new Color((seed * 7919) & 0xffffff));
    graphics.fillRect(0, 0, size, size);
    graphics.setColor(new Color((seed * 104729 + 17) & 0xffffff));
    graphics.fillRect(seed % size, (seed / size) % size, size / 3 + 1, size / 4 + 1);
    graphics.dispose();
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("No ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builder of zip archives with entries in insertion order. */
  public static final class Zip {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    public Zip add(String name, byte[] content) {
      entries.put(name, content);
      return this;
    }

    public Zip add(String name, String text) {
      return add(name, text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] build() {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
          for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            zip.putNextEntry(new ZipEntry(entry.getKey()));
            zip.write(entry.getValue());
            zip.closeEntry();
          }
        }
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
