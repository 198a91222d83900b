package dev.saguaro.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class PostgresTestResourceTest {

  private static final Logger LOG = Logger.getLogger(PostgresTestResourceTest.class);

  @Test
  void databaseStoresAndReturnsRows() throws Exception {
    PostgresTestResource resource = new PostgresTestResource();
    Map<String, String> config = resource.start();
    try (Connection connection =
            DriverManager.getConnection(
                config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password"));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE label (name text PRIMARY KEY, images int NOT NULL)");
      statement.execute("INSERT INTO label VALUES ('cactus', 3), ('no_cactus', 1)");

      try (ResultSet rows = statement.executeQuery("SELECT sum(images), version() FROM label")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(4);
        assertThat(rows.getString(2)).startsWith("PostgreSQL");
        LOG.infof(
            "Wrote and read back rows in %s (%s)",
            config.get("quarkus.datasource.jdbc.url"), rows.getString(2));
      }
    } finally {
      resource.stop();
    }
  }
}
