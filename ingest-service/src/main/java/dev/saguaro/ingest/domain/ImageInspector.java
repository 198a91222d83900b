package dev.saguaro.ingest.domain;

import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.storage.Sha256;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Checks that bytes are a complete JPEG or PNG within the configured limits, reading only the
 * header (JPEG frame header, PNG IHDR chunk) and the end of the file, never the pixels.
 *
 * <p>The pixel limit is checked from the header's width and height before anything is decoded,
 * which is what stops decompression bombs: a few kilobytes that declare a gigapixel bitmap.
 * Truncation is detected from the end marker (JPEG EOI, PNG IEND chunk). NOTE: corruption in the
 * middle of the compressed data is not detected here, because finding it needs a full decode. The
 * trainer's decoder meets such files. Thread-safe and stateless.
 */
@ApplicationScoped
public class ImageInspector {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] PNG_IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82
  };
  private static final String ACCEPTED = "accepted formats are JPEG and PNG";

  private final long maxImageBytes;
  private final long maxImagePixels;

  @Inject
  public ImageInspector(IngestConfig config) {
    this(config.upload().maxImageBytes(), config.upload().maxImagePixels());
  }

  public ImageInspector(long maxImageBytes, long maxImagePixels) {
    this.maxImageBytes = maxImageBytes;
    this.maxImagePixels = maxImagePixels;
  }

  /** Largest accepted image file, in bytes. */
  public long maxImageBytes() {
    return maxImageBytes;
  }

  /**
   * Inspects {@code content}, named {@code name} in messages.
   *
   * @throws ProblemException with the status and the reason when the image is not accepted
   */
  public ImageInfo inspect(String name, byte[] content) {
    if (content.length == 0) {
      throw ProblemException.badRequest(
          "empty-file", name + " is empty (0 bytes); send the image file's bytes");
    }
    if (content.length > maxImageBytes) {
      throw ProblemException.tooLarge(
          "image-too-large",
          name
              + " is "
              + content.length
              + " bytes, more than the limit of "
              + maxImageBytes
              + " bytes (saguaro.ingest.upload.max-image-bytes); send a smaller image");
    }

    ImageFormat format = sniffFormat(name, content);
    checkComplete(name, format, content);
    int[] size = readDimensions(name, format, content);
    long pixels = (long) size[0] * size[1];
    if (pixels > maxImagePixels) {
      throw ProblemException.tooLarge(
              "too-many-pixels",
              name
                  + " declares "
                  + size[0]
                  + "x"
                  + size[1]
                  + " = "
                  + pixels
                  + " pixels, more than the limit of "
                  + maxImagePixels
                  + " (saguaro.ingest.upload.max-image-pixels); downscale the image")
          .with("width", size[0])
          .with("height", size[1]);
    }
    return new ImageInfo(format, size[0], size[1], Sha256.hex(content), content.length);
  }

  private static ImageFormat sniffFormat(String name, byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return ImageFormat.JPEG;
    }
    if (startsWith(b, PNG_SIGNATURE)) {
      return ImageFormat.PNG;
    }
    String other = recognizeOtherFormat(b);
    if (other != null) {
      throw ProblemException.unsupportedMediaType(
          "unsupported-image-format",
          name + " is a " + other + " image; " + ACCEPTED + ", so convert it to one of them");
    }
    throw ProblemException.badRequest(
        "not-an-image",
        name + " is not an image (its first bytes match no known image format); " + ACCEPTED);
  }

  private static String recognizeOtherFormat(byte[] b) {
    if (startsWith(b, "GIF8".getBytes())) {
      return "GIF";
    }
    if (startsWith(b, "BM".getBytes()) && b.length > 14) {
      return "BMP";
    }
    if (startsWith(b, "RIFF".getBytes()) && b.length >= 12 && b[8] == 'W' && b[9] == 'E') {
      return "WebP";
    }
    if (startsWith(b, new byte[] {'I', 'I', 42, 0})
        || startsWith(b, new byte[] {'M', 'M', 0, 42})) {
      return "TIFF";
    }
    if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
      return "HEIF/AVIF";
    }
    return null;
  }

  private static void checkComplete(String name, ImageFormat format, byte[] b) {
    boolean complete;
    if (format == ImageFormat.JPEG) {
      // Some writers pad after the end-of-image marker with zero bytes.
      int end = b.length;
      while (end > 2 && b[end - 1] == 0) {
        end--;
      }
      complete = end >= 4 && (b[end - 2] & 0xff) == 0xff && (b[end - 1] & 0xff) == 0xd9;
    } else {
      complete = endsWith(b, PNG_IEND);
    }
    if (!complete) {
      throw ProblemException.badRequest(
          "truncated-image",
          name
              + " is a truncated "
              + format
              + " ("
              + b.length
              + " bytes, no end marker); upload the complete file");
    }
  }

  /**
   * Reads width and height from the JPEG frame header (the first SOFn segment) or the PNG IHDR
   * chunk. Parsing the two header layouts by hand avoids creating an ImageIO reader for every image
   * of an import.
   */
  private static int[] readDimensions(String name, ImageFormat format, byte[] b) {
    int[] size = format == ImageFormat.JPEG ? readJpegFrameHeader(b) : readPngHeader(b);
    if (size == null || size[0] <= 0 || size[1] <= 0) {
      throw ProblemException.badRequest(
          "corrupt-image",
          name
              + " has an unreadable "
              + format
              + " header (no valid width and height); re-export the image");
    }
    return size;
  }

  private static int[] readJpegFrameHeader(byte[] b) {
    int i = 2;
    while (i + 4 <= b.length) {
      if ((b[i] & 0xff) != 0xff) {
        return null;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xff) {
        i++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        i += 2;
        continue;
      }
      if (marker == 0xd9 || marker == 0xda) {
        return null;
      }
      int length = readUnsignedShort(b, i + 2);
      boolean frameHeader =
          marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (frameHeader) {
        if (length < 8 || i + 9 > b.length) {
          return null;
        }
        return new int[] {readUnsignedShort(b, i + 7), readUnsignedShort(b, i + 5)};
      }
      if (length < 2) {
        return null;
      }
      i += 2 + length;
    }
    return null;
  }

  private static int[] readPngHeader(byte[] b) {
    boolean ihdrFirst =
        b.length >= 24
            && readInt(b, 8) == 13
            && b[12] == 'I'
            && b[13] == 'H'
            && b[14] == 'D'
            && b[15] == 'R';
    return ihdrFirst ? new int[] {readInt(b, 16), readInt(b, 20)} : null;
  }

  private static int readUnsignedShort(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
  }

  private static int readInt(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 24)
        | ((b[offset + 1] & 0xff) << 16)
        | ((b[offset + 2] & 0xff) << 8)
        | (b[offset + 3] & 0xff);
  }

  private static boolean startsWith(byte[] content, byte[] prefix) {
    if (content.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (content[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] content, byte[] suffix) {
    if (content.length < suffix.length) {
      return false;
    }
    int offset = content.length - suffix.length;
    for (int i = 0; i < suffix.length; i++) {
      if (content[offset + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}
