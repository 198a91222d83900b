package dev.saguaro.ingest.storage;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Inserts many {@code labeled_image} rows with one statement, skipping images whose bytes the
 * dataset already holds. Runs in the caller's transaction (the connection is enlisted in it).
 */
@ApplicationScoped
public class ImageRowWriter {

  private static final String INSERT =
      "INSERT INTO labeled_image (id, dataset_name, sha256, label, format, width, height,"
          + " size_bytes, original_name, import_id, uploaded_by, uploaded_at, labeled_at)"
          + " SELECT u.id, ?, u.sha256, u.label, u.format, u.width, u.height, u.size_bytes,"
          + " u.original_name, ?, ?, ?, ?"
          + " FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::int4[],"
          + " ?::int8[], ?::text[])"
          + " AS u(id, sha256, label, format, width, height, size_bytes, original_name)"
          + " ON CONFLICT (dataset_name, sha256) DO NOTHING RETURNING id";

  @Inject AgroalDataSource dataSource;

  /** One image to insert. */
  public record ImageRow(
      UUID id,
      String sha256,
      String label,
      String format,
      int width,
      int height,
      long sizeBytes,
      String originalName) {}

  /**
   * Inserts {@code rows} into {@code dataset}; an image whose bytes the dataset already holds, or
   * that repeats an earlier row's bytes, is skipped.
   *
   * @return ids of the rows that were inserted
   */
  public Set<UUID> insertNew(
      String dataset, UUID importId, String uploadedBy, Instant now, List<ImageRow> rows)
      throws SQLException {
    Set<UUID> inserted = new HashSet<>();
    if (rows.isEmpty()) {
      return inserted;
    }
    int n = rows.size();
    String[] ids = new String[n];
    String[] hashes = new String[n];
    String[] labels = new String[n];
    String[] formats = new String[n];
    Integer[] widths = new Integer[n];
    Integer[] heights = new Integer[n];
    Long[] sizes = new Long[n];
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      ImageRow row = rows.get(i);
      ids[i] = row.id().toString();
      hashes[i] = row.sha256();
      labels[i] = row.label();
      formats[i] = row.format();
      widths[i] = row.width();
      heights[i] = row.height();
      sizes[i] = row.sizeBytes();
      names[i] = row.originalName();
    }

    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(INSERT)) {
      Timestamp timestamp = Timestamp.from(now);
      statement.setString(1, dataset);
      statement.setObject(2, importId);
      statement.setString(3, uploadedBy);
      statement.setTimestamp(4, timestamp);
      statement.setTimestamp(5, timestamp);
      statement.setArray(6, array(connection, "text", ids));
      statement.setArray(7, array(connection, "text", hashes));
      statement.setArray(8, array(connection, "text", labels));
      statement.setArray(9, array(connection, "text", formats));
      statement.setArray(10, array(connection, "int4", widths));
      statement.setArray(11, array(connection, "int4", heights));
      statement.setArray(12, array(connection, "int8", sizes));
      statement.setArray(13, array(connection, "text", names));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          inserted.add(result.getObject(1, UUID.class));
        }
      }
    }
    return inserted;
  }

  private static Array array(Connection connection, String type, Object[] values)
      throws SQLException {
    return connection.createArrayOf(type, values);
  }
}
