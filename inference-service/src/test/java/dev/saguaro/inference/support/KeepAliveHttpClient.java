package dev.saguaro.inference.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one kept-alive loopback connection. The request line, headers and
 * body leave in one write with Nagle's algorithm off, and the response is read on the calling
 * thread.
 *
 * <p>The benchmark uses it so that its figures are the service's. On the 2-core benchmark machine,
 * Java's {@code HttpURLConnection} added about 1.2 ms to every POST on loopback (a post that the
 * service handled in 0.15 ms took 1.4 ms), and {@code java.net.http} about 0.2 ms. Not thread-safe:
 * give each client thread its own.
 */
public final class KeepAliveHttpClient implements AutoCloseable {

  private static final int TIMEOUT_MILLIS = 30_000;

  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;

  /**
   * Creates a client for the service on {@code 127.0.0.1:port}, which connects on the first call.
   */
  public KeepAliveHttpClient(int port) {
    this.port = port;
  }

  /** Status and body of one response. */
  public record Response(int status, byte[] body) {

    /** Returns the body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends a GET of {@code path}. */
  public Response get(String path) throws IOException {
    return exchange(head("GET", path, null, 0), new byte[0]);
  }

  /** Sends {@code body} as a POST to {@code path} with the given content type. */
  public Response post(String path, String contentType, byte[] body) throws IOException {
    return exchange(head("POST", path, contentType, body.length), body);
  }

  private String head(String method, String path, String contentType, int length) {
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  private Response exchange(String head, byte[] body) throws IOException {
    connectIfNeeded();
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    try {
      out.write(request);
      out.flush();
      return readResponse();
    } catch (IOException e) {
      // A broken exchange leaves the stream at an unknown position, so the next call reconnects.
      close();
      throw e;
    }
  }

  private Response readResponse() throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("Not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);

    long contentLength = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> contentLength = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        case "connection" -> closeAfter = value.equalsIgnoreCase("close");
        default -> {
          // Other headers do not change how the body is framed.
        }
      }
    }

    byte[] responseBody;
    if (chunked) {
      responseBody = readChunkedBody();
    } else if (contentLength >= 0) {
      responseBody = readExactly(Math.toIntExact(contentLength));
    } else {
      throw new IOException(
          "HTTP " + status + " response has neither a Content-Length nor chunked encoding");
    }
    if (closeAfter) {
      close();
    }
    return new Response(status, responseBody);
  }

  private byte[] readChunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
      if (size == 0) {
        // Trailers end with an empty line like headers do.
        while (!readLine().isEmpty()) {
          continue;
        }
        return body.toByteArray();
      }
      body.write(readExactly(size));
      readLine();
    }
  }

  private byte[] readExactly(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new EOFException(
          "Connection closed after " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int previous = -1;
    while (true) {
      int next = in.read();
      if (next < 0) {
        throw new EOFException("Connection closed in the middle of a response");
      }
      if (previous == '\r' && next == '\n') {
        line.setLength(line.length() - 1);
        return line.toString();
      }
      line.append((char) next);
      previous = next;
    }
  }

  private void connectIfNeeded() throws IOException {
    if (socket != null) {
      return;
    }
    Socket opened = new Socket();
    opened.setTcpNoDelay(true);
    opened.setSoTimeout(TIMEOUT_MILLIS);
    opened.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
    socket = opened;
    out = opened.getOutputStream();
    in = new BufferedInputStream(opened.getInputStream());
  }

  @Override
  public void close() {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a loopback socket that already failed has nothing left to report.
    }
    socket = null;
    out = null;
    in = null;
  }
}
