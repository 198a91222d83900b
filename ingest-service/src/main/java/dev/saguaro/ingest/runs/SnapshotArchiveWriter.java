package dev.saguaro.ingest.runs;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.CsvLine;
import dev.saguaro.contracts.SnapshotArchive;
import dev.saguaro.ingest.domain.ImageFormat;
import dev.saguaro.ingest.storage.BlobStore;
import dev.saguaro.ingest.storage.DatasetSnapshot;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Streams a snapshot as the zip that trainers read: {@code manifest.json}, {@code labels.csv}, then
 * one stored (uncompressed) entry per image, since JPEG and PNG bytes do not compress further.
 * Images are read from the blob store one at a time, so memory use does not grow with the snapshot.
 */
@ApplicationScoped
public class SnapshotArchiveWriter {

  @Inject SnapshotService snapshots;
  @Inject BlobStore blobStore;
  @Inject AgroalDataSource dataSource;

  private record Row(String imageId, String sha256, String label, String file) {}

  /** Writes the archive of {@code snapshot} to {@code out}; the caller closes {@code out}. */
  public void writeArchive(DatasetSnapshot snapshot, OutputStream out) throws IOException {
    List<Row> rows = readRows(snapshot);
    long started = System.nanoTime();
    ZipOutputStream zip = new ZipOutputStream(out);

    zip.putNextEntry(new ZipEntry(SnapshotArchive.MANIFEST_ENTRY));
    zip.write(ContractCodec.encode(snapshots.manifest(snapshot)).getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();

    zip.putNextEntry(new ZipEntry(SnapshotArchive.LABELS_ENTRY));
    StringBuilder csv = new StringBuilder(SnapshotArchive.LABELS_HEADER).append('\n');
    for (Row row : rows) {
      csv.append(CsvLine.join(row.imageId(), row.label(), row.file())).append('\n');
    }
    zip.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();

    for (Row row : rows) {
      byte[] content = blobStore.read(row.sha256());
      ZipEntry entry = new ZipEntry(SnapshotArchive.IMAGES_PREFIX + row.file());
      CRC32 crc = new CRC32();
      crc.update(content);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(content.length);
      entry.setCompressedSize(content.length);
      entry.setCrc(crc.getValue());
      zip.putNextEntry(entry);
      zip.write(content);
      zip.closeEntry();
    }
    zip.finish();
    zip.flush();
    Log.infof(
        "Streamed archive of snapshot %s: %d images in %.1f s",
        snapshot.id, rows.size(), (System.nanoTime() - started) / 1e9);
  }

  private List<Row> readRows(DatasetSnapshot snapshot) {
    List<Row> rows = new ArrayList<>(snapshot.imageCount);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT image_id, sha256, label, format FROM snapshot_image"
                    + " WHERE snapshot_id = ? ORDER BY image_id")) {
      statement.setObject(1, snapshot.id);
      statement.setFetchSize(5000);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String imageId = result.getString(1);
          String sha256 = result.getString(2);
          String extension = ImageFormat.fromId(result.getString(4)).extension();
          rows.add(new Row(imageId, sha256, result.getString(3), sha256 + "." + extension));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the images of snapshot " + snapshot.id, e);
    }
    return rows;
  }
}
