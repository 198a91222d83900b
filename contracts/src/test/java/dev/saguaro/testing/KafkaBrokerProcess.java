package dev.saguaro.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode, run as a child JVM from the Kafka jars on
 * the test classpath.
 *
 * <p>A separate process, rather than a broker inside the test JVM, lets a test stop the broker and
 * start it again on the same port and log directory, which is how "Kafka is down" is tested. The
 * broker's output goes to {@code broker.log} in its directory. Not thread-safe: one test drives it.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path directory;
  private final int port;
  private final int controllerPort;
  private final String clusterId;
  private Process process;

  private KafkaBrokerProcess(Path directory, int port, int controllerPort) {
    this.directory = directory;
    this.port = port;
    this.controllerPort = controllerPort;
    this.clusterId = randomClusterId();
  }

  /** Creates a broker on free loopback ports with a fresh log directory; call {@link #start()}. */
  public static KafkaBrokerProcess onFreePorts() {
    try {
      Path directory = Files.createTempDirectory("saguaro-kafka-");
      return new KafkaBrokerProcess(directory, freePort(), freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates a broker that will listen on {@code port}; its controller takes a free port. */
  public static KafkaBrokerProcess onPort(int port) {
    try {
      Path directory = Files.createTempDirectory("saguaro-kafka-");
      return new KafkaBrokerProcess(directory, port, freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns a free loopback port, for a broker that a test starts later. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the {@code bootstrap.servers} value of this broker. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * Formats the log directory on first use, starts the broker and waits until its port accepts
   * connections. Restarting keeps the log directory, so topics and offsets survive.
   */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    try {
      Path config = writeConfig();
      if (!Files.exists(directory.resolve("data").resolve("meta.properties"))) {
        runToCompletion(
            List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()));
      }
      process = launch(List.of("kafka.Kafka", config.toString()), directory.resolve("broker.log"));
      waitUntilListening();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting Kafka", e);
    }
  }

  /** Stops the broker process and waits for it to exit; the log directory stays. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
    deleteRecursively(directory);
  }

  private Path writeConfig() throws IOException {
    String config =
        String.join(
            "\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs=" + directory.resolve("data"),
            "num.partitions=1",
            "auto.create.topics.enable=true",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "");
    Path file = directory.resolve("server.properties");
    Files.writeString(file, config);
    return file;
  }

  private Process launch(List<String> mainAndArgs, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms256m");
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.addAll(mainAndArgs);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private void runToCompletion(List<String> mainAndArgs) throws IOException, InterruptedException {
    Process format = launch(mainAndArgs, directory.resolve("format.log"));
    if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      // The directory is deleted when the broker closes, so the log goes into the message.
      throw new IllegalStateException(
          "Formatting the Kafka log directory failed: " + tail(directory.resolve("format.log")));
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "no output (" + e.getMessage() + ")";
    }
  }

  private void waitUntilListening() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Kafka exited with code "
                + process.exitValue()
                + " during start; see "
                + directory.resolve("broker.log"));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        "Kafka did not listen on port " + port + " within " + READY_TIMEOUT.toSeconds() + " s");
  }

  private static String randomClusterId() {
    // Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. An id that starts
    // with '-' reads as an option on the StorageTool command line, so Kafka's own generator skips
    // those, and so does this one.
    String id;
    do {
      UUID uuid = UUID.randomUUID();
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
      bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
      id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    } while (id.startsWith("-"));
    return id;
  }

  static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Leftover temporary files are harmless; the broker is already stopped.
    }
  }
}
