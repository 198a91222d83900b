package dev.saguaro.tools.mainjob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts and stops the services as separate JVMs, with one log file and one pid file each.
 *
 * <p>A pid file counts only while its process's command line names the service's jar, so that a
 * stale pid file never leads to a signal to an unrelated process that reuses the pid. Not
 * thread-safe: one thread drives it.
 */
public final class ServiceLauncher {

  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);

  private final Path runDirectory;
  private final Path logDirectory;
  private final boolean detach;

  /**
   * Creates a launcher.
   *
   * @param runDirectory where {@code <name>.pid} files go
   * @param logDirectory where {@code <name>.log} files go
   * @param detach whether services run in a session of their own (with {@code setsid}), so that
   *     they outlive this JVM and a Ctrl-C in its terminal
   */
  public ServiceLauncher(Path runDirectory, Path logDirectory, boolean detach) {
    this.runDirectory = runDirectory;
    this.logDirectory = logDirectory;
    this.detach = detach;
  }

  /** Returns the log file of service {@code name}. */
  public Path logFile(String name) {
    return logDirectory.resolve(name + ".log");
  }

  /** Returns the pid file of service {@code name}. */
  public Path pidFile(String name) {
    return runDirectory.resolve(name + ".pid");
  }

  /**
   * Starts a service after stopping the instance that its pid file names, if one runs.
   *
   * @throws IllegalStateException when the jar is missing or the port is taken by another process
   */
  public ProcessHandle start(ServiceSpec spec) throws IOException {
    if (!Files.isRegularFile(spec.jar())) {
      throw new IllegalStateException(
          spec.jar() + " is missing; build the services first with mvn -DskipTests package");
    }
    stop(spec.name(), spec.jar());
    requirePortFree(spec.port(), spec.name());
    Files.createDirectories(runDirectory);
    Files.createDirectories(logDirectory);

    List<String> command = new ArrayList<>();
    if (detach && Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(spec.jvmOptions());
    command.add("-jar");
    command.add(spec.jar().toAbsolutePath().toString());

    Path log = logFile(spec.name());
    Files.writeString(
        log,
        "=== " + Instant.now() + " starting " + String.join(" ", command) + System.lineSeparator(),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(spec.environment());
    Process process = builder.start();
    if (!detach) {
      // Attached services must not outlive this JVM, even when it is stopped with SIGTERM.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(process::destroyForcibly, "stop-" + spec.name()));
    }
    Files.writeString(pidFile(spec.name()), Long.toString(process.pid()) + System.lineSeparator());
    return process.toHandle();
  }

  /**
   * Waits until {@code GET readinessPath} returns 200.
   *
   * @throws IllegalStateException when the process exits or the time runs out, with the log's last
   *     lines in the message
   */
  public void awaitReady(ServiceSpec spec, ProcessHandle process, Duration timeout)
      throws InterruptedException {
    JsonHttpClient http =
        new JsonHttpClient(URI.create("http://127.0.0.1:" + spec.port()), Duration.ofSeconds(10));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The "
                + spec.name()
                + " service exited during start; last lines of "
                + logFile(spec.name())
                + ":\n"
                + logTail(spec.name(), 40));
      }
      if (http.probe(spec.readinessPath()) == 200) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException(
        "The "
            + spec.name()
            + " service was not ready at http://127.0.0.1:"
            + spec.port()
            + spec.readinessPath()
            + " within "
            + timeout.toSeconds()
            + " s; last lines of "
            + logFile(spec.name())
            + ":\n"
            + logTail(spec.name(), 40));
  }

  /**
   * Stops the service that the pid file of {@code name} names, if it still runs {@code jar}:
   * SIGTERM, then SIGKILL after 40 s.
   *
   * @return whether a process was stopped
   */
  public boolean stop(String name, Path jar) {
    Optional<ProcessHandle> process = recordedProcess(name, jar);
    if (process.isEmpty()) {
      deleteQuietly(pidFile(name));
      return false;
    }
    ProcessHandle handle = process.get();
    handle.destroy();
    try {
      handle.onExit().get(STOP_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      handle.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Waiting for pid " + handle.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(pidFile(name));
    return true;
  }

  /** Returns the running process that the pid file names, if its command line runs {@code jar}. */
  public Optional<ProcessHandle> recordedProcess(String name, Path jar) {
    Path file = pidFile(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    String expectedJar = jar.toAbsolutePath().toString();
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            handle ->
                handle.info().commandLine().map(line -> line.contains(expectedJar)).orElse(false));
  }

  /** Returns the last {@code lines} lines of the service's log, or a note when it has none. */
  public String logTail(String name, int lines) {
    Path log = logFile(name);
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ": " + e.getMessage() + ")";
    }
  }

  private static void requirePortFree(int port, String name) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Port "
              + port
              + " for the "
              + name
              + " service is taken by another process; stop that process or choose another port"
              + " with --"
              + name
              + "-port");
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + file, e);
    }
  }
}
