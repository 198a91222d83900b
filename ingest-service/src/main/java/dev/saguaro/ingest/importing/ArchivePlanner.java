package dev.saguaro.ingest.importing;

import dev.saguaro.contracts.CsvLine;
import dev.saguaro.ingest.api.ProblemException;
import dev.saguaro.ingest.config.IngestConfig;
import dev.saguaro.ingest.importing.ImportPlan.ImportItem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks the structure of an uploaded zip before anything is stored, and decides the label of each
 * image entry.
 *
 * <p>Rejected here, with nothing stored: files that are not zips; entry names with {@code ..}
 * segments, absolute paths or backslashes (zip slip); more entries or more declared uncompressed
 * bytes than configured (zip bombs; the importer also counts the bytes it really inflates); and, in
 * the Kaggle layout, CSV files with a byte-order mark, without the named columns, with rows that
 * miss a label, with duplicate ids, with ids that have no file, or next to files that no row names.
 * Individual images are checked later by the importer, which rejects them one by one.
 */
@ApplicationScoped
public class ArchivePlanner {

  private static final int LISTED_NAMES = 10;

  private final long maxUncompressedBytes;
  private final int maxEntries;

  @Inject
  public ArchivePlanner(IngestConfig config) {
    this(config.imports().maxUncompressedBytes(), config.imports().maxEntries());
  }

  public ArchivePlanner(long maxUncompressedBytes, int maxEntries) {
    this.maxUncompressedBytes = maxUncompressedBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * Plans the import of {@code archive}.
   *
   * @param idColumn name of the CSV's id column
   * @param labelColumn name of the CSV's label column, or {@code null} for the one other column
   * @param labelCheck throws a {@link ProblemException} for a label the dataset does not accept;
   *     its second argument names where the label was found
   * @throws ProblemException when the archive's structure is invalid
   */
  public ImportPlan planImport(
      Path archive,
      long archiveBytes,
      String idColumn,
      String labelColumn,
      BiConsumer<String, String> labelCheck) {
    try (ZipFile zip = openZip(archive)) {
      List<ZipEntry> files = listFiles(zip);
      List<ZipEntry> csvFiles =
          files.stream()
              .filter(e -> e.getName().toLowerCase(Locale.ROOT).endsWith(".csv"))
              .toList();
      List<ImportItem> items;
      String layout;
      if (csvFiles.isEmpty()) {
        layout = ImportPlan.CLASS_FOLDERS;
        items = planClassFolders(files, labelCheck);
      } else if (csvFiles.size() == 1) {
        layout = ImportPlan.KAGGLE_CSV;
        items = planKaggle(zip, csvFiles.get(0), files, idColumn, labelColumn, labelCheck);
      } else {
        throw ProblemException.badRequest(
            "several-csv-files",
            "The archive contains "
                + csvFiles.size()
                + " CSV files ("
                + names(csvFiles.stream().map(ZipEntry::getName).toList())
                + "); include exactly one CSV with the labels, or none for class folders");
      }
      if (items.isEmpty()) {
        throw ProblemException.badRequest(
            "empty-archive",
            "The archive contains no image files; add images in class folders or beside a"
                + " labels CSV");
      }
      return new ImportPlan(archive, archiveBytes, layout, items);
    } catch (IOException e) {
      throw ProblemException.badRequest(
          "unreadable-archive",
          "The archive cannot be read (" + e.getMessage() + "); upload a valid zip file");
    }
  }

  private static ZipFile openZip(Path archive) throws IOException {
    try {
      return new ZipFile(archive.toFile());
    } catch (ZipException e) {
      throw ProblemException.badRequest(
          "not-a-zip",
          "The uploaded archive is not a valid zip file ("
              + e.getMessage()
              + "); upload a .zip archive");
    }
  }

  /** Checks every entry name and the bomb limits, and returns the image candidates. */
  private List<ZipEntry> listFiles(ZipFile zip) {
    if (zip.size() > maxEntries) {
      throw ProblemException.tooLarge(
          "too-many-entries",
          "The archive has "
              + zip.size()
              + " entries, more than the limit of "
              + maxEntries
              + " (saguaro.ingest.imports.max-entries); split it into smaller archives");
    }
    List<ZipEntry> files = new ArrayList<>();
    long declaredBytes = 0;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      ZipEntry entry = entries.nextElement();
      requireSafeName(entry.getName());
      declaredBytes += Math.max(0, entry.getSize());
      if (declaredBytes > maxUncompressedBytes) {
        throw ProblemException.tooLarge(
            "archive-too-large-uncompressed",
            "The archive's entries add up to more than "
                + maxUncompressedBytes
                + " bytes uncompressed (saguaro.ingest.imports.max-uncompressed-bytes); split it"
                + " into smaller archives");
      }
      if (!entry.isDirectory() && !isIgnorable(entry.getName())) {
        files.add(entry);
      }
    }
    return files;
  }

  static void requireSafeName(String name) {
    boolean unsafe =
        name.startsWith("/")
            || name.contains("\\")
            || name.matches("^[A-Za-z]:.*")
            || name.indexOf('\0') >= 0;
    for (String segment : name.split("/")) {
      unsafe |= segment.equals("..");
    }
    if (unsafe) {
      throw ProblemException.badRequest(
              "unsafe-entry-name",
              "Archive entry '"
                  + name
                  + "' has an absolute path, a '..' segment or a backslash; entries must be"
                  + " relative paths inside the archive, so rebuild the zip from a folder")
          .with("entry", name);
    }
  }

  /** Operating system clutter that archivers add. */
  private static boolean isIgnorable(String name) {
    String base = baseName(name);
    return name.startsWith("__MACOSX/")
        || base.startsWith(".")
        || base.equalsIgnoreCase("Thumbs.db")
        || base.equalsIgnoreCase("desktop.ini");
  }

  private List<ImportItem> planClassFolders(
      List<ZipEntry> files, BiConsumer<String, String> labelCheck) {
    List<ImportItem> items = new ArrayList<>(files.size());
    Set<String> checkedLabels = new LinkedHashSet<>();
    for (ZipEntry entry : files) {
      String name = entry.getName();
      int slash = name.lastIndexOf('/');
      if (slash < 0) {
        throw ProblemException.badRequest(
                "file-outside-class-folder",
                "File '"
                    + name
                    + "' is not inside a class folder; put each image in a folder named after its"
                    + " label, or add a labels CSV")
            .with("entry", name);
      }
      String label = baseName(name.substring(0, slash));
      if (checkedLabels.add(label)) {
        labelCheck.accept(label, " (folder of " + name + ")");
      }
      items.add(new ImportItem(name, label, entry.getSize()));
    }
    return items;
  }

  private List<ImportItem> planKaggle(
      ZipFile zip,
      ZipEntry csv,
      List<ZipEntry> files,
      String idColumn,
      String labelColumn,
      BiConsumer<String, String> labelCheck)
      throws IOException {
    String csvName = csv.getName();
    Map<String, String> labelsById =
        readLabels(zip, csv, idColumn, labelColumn, labelCheck, baseName(csvName));

    Map<String, ZipEntry> byName = new HashMap<>();
    Map<String, ZipEntry> byStem = new HashMap<>();
    for (ZipEntry entry : files) {
      if (entry == csv) {
        continue;
      }
      String base = baseName(entry.getName());
      ZipEntry clash = byName.put(base, entry);
      if (clash != null) {
        throw ProblemException.badRequest(
            "ambiguous-file-name",
            "Files '"
                + clash.getName()
                + "' and '"
                + entry.getName()
                + "' have the same name, so an id cannot name one of them; keep one");
      }
      int dot = base.lastIndexOf('.');
      if (dot > 0) {
        byStem.putIfAbsent(base.substring(0, dot), entry);
      }
    }

    List<String> idsWithoutFile = new ArrayList<>();
    Map<ZipEntry, String> labelByEntry = new LinkedHashMap<>();
    for (Map.Entry<String, String> row : labelsById.entrySet()) {
      ZipEntry entry = byName.get(row.getKey());
      if (entry == null) {
        entry = byStem.get(row.getKey());
      }
      if (entry == null) {
        idsWithoutFile.add(row.getKey());
      } else {
        labelByEntry.put(entry, row.getValue());
      }
    }
    if (!idsWithoutFile.isEmpty()) {
      throw ProblemException.badRequest(
              "ids-without-file",
              idsWithoutFile.size()
                  + " id(s) in "
                  + baseName(csvName)
                  + " have no image file in the archive ("
                  + names(idsWithoutFile)
                  + "); add the files or remove those rows")
          .with("ids", idsWithoutFile.subList(0, Math.min(100, idsWithoutFile.size())));
    }

    List<String> unnamedFiles = new ArrayList<>();
    List<ImportItem> items = new ArrayList<>(labelByEntry.size());
    for (ZipEntry entry : files) {
      if (entry == csv) {
        continue;
      }
      String label = labelByEntry.get(entry);
      if (label == null) {
        unnamedFiles.add(entry.getName());
      } else {
        items.add(new ImportItem(entry.getName(), label, entry.getSize()));
      }
    }
    if (!unnamedFiles.isEmpty()) {
      throw ProblemException.badRequest(
              "files-without-row",
              unnamedFiles.size()
                  + " file(s) in the archive are named by no row of "
                  + baseName(csvName)
                  + " ("
                  + names(unnamedFiles)
                  + "); add rows for them or remove them from the archive")
          .with("files", unnamedFiles.subList(0, Math.min(100, unnamedFiles.size())));
    }
    return items;
  }

  private Map<String, String> readLabels(
      ZipFile zip,
      ZipEntry csv,
      String idColumn,
      String labelColumn,
      BiConsumer<String, String> labelCheck,
      String csvName)
      throws IOException {
    byte[] bytes;
    try (InputStream in = zip.getInputStream(csv)) {
      bytes = BoundedRead.readAtMost(in, maxUncompressedBytes);
    }
    if (bytes == null) {
      throw ProblemException.tooLarge(
          "csv-too-large",
          csvName
              + " is larger than "
              + maxUncompressedBytes
              + " bytes uncompressed (saguaro.ingest.imports.max-uncompressed-bytes)");
    }
    if (hasByteOrderMark(bytes)) {
      throw ProblemException.badRequest(
          "csv-byte-order-mark",
          csvName
              + " starts with a byte-order mark; save it as UTF-8 without BOM (for example"
              + " \"CSV UTF-8\" without signature) and upload again");
    }

    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
    List<String> header = csvFields(lines[0], 1, csvName);
    int idIndex = header.indexOf(idColumn);
    int labelIndex = labelColumnIndex(header, idIndex, labelColumn);
    if (idIndex < 0 || labelIndex < 0) {
      String missing =
          idIndex < 0 ? "id column '" + idColumn + "'" : describeLabelColumn(labelColumn);
      throw ProblemException.badRequest(
              "csv-missing-column",
              csvName
                  + " has the columns "
                  + header
                  + " but no "
                  + missing
                  + "; use a header such as 'id,has_cactus', or name the columns with the"
                  + " idColumn and labelColumn query parameters")
          .with("columns", header);
    }

    Map<String, String> labelsById = new LinkedHashMap<>();
    Map<String, Integer> lineById = new HashMap<>();
    Set<String> checkedLabels = new LinkedHashSet<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      int lineNumber = i + 1;
      List<String> fields = csvFields(lines[i], lineNumber, csvName);
      String where = " on line " + lineNumber + " of " + csvName;
      if (fields.size() != header.size()) {
        throw malformedRow(
            lineNumber,
            csvName,
            "has "
                + fields.size()
                + " fields but the header has "
                + header.size()
                + "; give every row the header's columns");
      }
      String id = fields.get(idIndex);
      if (id.isEmpty()) {
        throw ProblemException.badRequest(
            "csv-missing-id", "The id is empty" + where + "; name the image file in every row");
      }
      String label = fields.get(labelIndex);
      if (checkedLabels.add(label)) {
        labelCheck.accept(label, where);
      }
      Integer earlier = lineById.putIfAbsent(id, lineNumber);
      if (earlier != null) {
        throw ProblemException.badRequest(
                "csv-duplicate-id",
                "Id '"
                    + id
                    + "' appears on lines "
                    + earlier
                    + " and "
                    + lineNumber
                    + " of "
                    + csvName
                    + "; keep one row per image")
            .with("id", id);
      }
      labelsById.put(id, label);
    }
    return labelsById;
  }

  /**
   * Splits one CSV line into trimmed fields, because spaces around a field are formatting, never
   * part of an id or a label.
   */
  private static List<String> csvFields(String line, int lineNumber, String csvName) {
    List<String> fields;
    try {
      fields = CsvLine.split(line);
    } catch (IllegalArgumentException e) {
      throw malformedRow(
          lineNumber,
          csvName,
          "is not valid CSV: "
              + e.getMessage()
              + "; close every quoted field with a double quote, and write a quote inside one as"
              + " two quotes");
    }
    List<String> trimmed = new ArrayList<>(fields.size());
    for (String field : fields) {
      trimmed.add(field.trim());
    }
    return trimmed;
  }

  /** Creates the 400 problem for a row that cannot be read, naming its line and file. */
  private static ProblemException malformedRow(int lineNumber, String csvName, String problem) {
    return ProblemException.badRequest(
        "csv-malformed-row", "Line " + lineNumber + " of " + csvName + " " + problem);
  }

  private static int labelColumnIndex(List<String> header, int idIndex, String labelColumn) {
    if (labelColumn != null && !labelColumn.isBlank()) {
      return header.indexOf(labelColumn);
    }
    if (header.size() == 2 && idIndex >= 0) {
      return 1 - idIndex;
    }
    return -1;
  }

  private static String describeLabelColumn(String labelColumn) {
    return labelColumn != null && !labelColumn.isBlank()
        ? "label column '" + labelColumn + "'"
        : "single label column beside the id (with more columns, name it with labelColumn)";
  }

  private static boolean hasByteOrderMark(byte[] b) {
    boolean utf8 =
        b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf;
    boolean utf16 =
        b.length >= 2
            && (((b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff)
                || ((b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe));
    return utf8 || utf16;
  }

  static String baseName(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  private static String names(List<String> values) {
    String listed = String.join(", ", values.subList(0, Math.min(LISTED_NAMES, values.size())));
    return values.size() > LISTED_NAMES ? listed + ", ..." : listed;
  }
}
