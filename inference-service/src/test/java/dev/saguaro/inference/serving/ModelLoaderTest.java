package dev.saguaro.inference.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.saguaro.contracts.ContractCodec;
import dev.saguaro.contracts.ModelArtifact;
import dev.saguaro.contracts.ModelMetadata;
import dev.saguaro.inference.artifact.ArtifactFetcher;
import dev.saguaro.inference.config.InferenceConfig;
import dev.saguaro.inference.support.Announcer;
import dev.saguaro.inference.support.Artifacts;
import dev.saguaro.inference.support.TestConfigs;
import dev.saguaro.inference.support.TestImages;
import dev.saguaro.inference.support.TinyModels;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.exceptions.TFInvalidArgumentException;

/** Loads tiny artifacts from file: URIs through every step, without Quarkus or Kafka. */
class ModelLoaderTest {

  private static byte[] version3;

  @TempDir Path directory;

  @BeforeAll
  static void exportModel() {
    version3 = TinyModels.artifact("tiny", 3);
  }

  @Test
  void loadedModelAnswersWithItsVersion() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    LoadedModel model =
        newLoader().load(artifactFor(3, version3), Runnable::run, () -> closed.set(true));

    assertThat(model.version()).isEqualTo(3);
    assertThat(model.classNames()).isEqualTo(TinyModels.CLASS_NAMES);
    try (PreprocessedImage first = model.preprocess(TestImages.png(40, 1));
        PreprocessedImage second = model.preprocess(TestImages.jpeg(25, 2))) {
      float[][] rows = model.classify(List.of(first, second));
      assertThat(rows).hasNumberOfRows(2);
      for (float[] row : rows) {
        assertThat(row[0] + row[1] + row[2])
            .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(TinyModels.versionFromProbabilities(row[0], row[1])).isEqualTo(3);
      }
      float[] alone = model.classify(List.of(first))[0];
      assertThat(alone[2]).isCloseTo(rows[0][2], org.assertj.core.data.Offset.offset(1e-6f));
    }

    model.retire();
    assertThat(closed).isTrue();
    assertThat(model.tryAcquire()).isFalse();
  }

  @Test
  void leaseKeepsRetiredModelOpen() throws Exception {
    AtomicBoolean closed = new AtomicBoolean();
    LoadedModel model =
        newLoader().load(artifactFor(3, version3), Runnable::run, () -> closed.set(true));
    assertThat(model.tryAcquire()).isTrue();

    model.retire();
    assertThat(closed).isFalse();
    try (PreprocessedImage image = model.preprocess(TestImages.png(16, 3))) {
      assertThat(model.classify(List.of(image))[0]).hasSize(3);
    }

    model.release();
    assertThat(closed).isTrue();
  }

  @Test
  void undecodableImageRaisesInvalidArgument() throws Exception {
    LoadedModel model = newLoader().load(artifactFor(3, version3), Runnable::run, () -> {});
    byte[] truncatedPng = Arrays.copyOf(TestImages.png(40, 4), 60);
    try {
      assertThatThrownBy(() -> model.preprocess(truncatedPng).close())
          .isInstanceOf(TFInvalidArgumentException.class);
    } finally {
      model.retire();
    }
  }

  @Test
  void checksumMismatchIsRejected() throws Exception {
    Path zip = write("v3.zip", version3);
    ModelArtifact artifact =
        Announcer.artifact("tiny", 3, zip.toUri().toString(), "0".repeat(64), version3.length);

    assertThatThrownBy(() -> newLoader().load(artifact, Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("SHA-256 mismatch")
        .extracting(e -> ((ModelLoadException) e).step())
        .isEqualTo(LoadStep.VERIFY_CHECKSUM);
  }

  @Test
  void truncatedArtifactIsRejected() throws Exception {
    byte[] truncated = Arrays.copyOf(version3, version3.length / 2);

    assertThatThrownBy(() -> newLoader().load(artifactFor(3, truncated), Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("not a valid zip")
        .extracting(e -> ((ModelLoadException) e).step())
        .isEqualTo(LoadStep.UNPACK);
  }

  @Test
  void missingClassifySignatureIsRejected() throws Exception {
    byte[] incomplete = TinyModels.artifactWithoutClassify("tiny", 3);

    assertThatThrownBy(() -> newLoader().load(artifactFor(3, incomplete), Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no 'classify' signature")
        .extracting(e -> ((ModelLoadException) e).step())
        .isEqualTo(LoadStep.CHECK_SIGNATURES);
  }

  @Test
  void metadataOfAnotherVersionIsRejected() throws Exception {
    ModelMetadata other = TinyModels.metadata("tiny", 4);
    byte[] relabelled = Artifacts.withMetadata(version3, ContractCodec.encode(other));

    assertThatThrownBy(() -> newLoader().load(artifactFor(3, relabelled), Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("the metadata says version 4")
        .extracting(e -> ((ModelLoadException) e).step())
        .isEqualTo(LoadStep.READ_METADATA);
  }

  @Test
  void metadataWithUnknownSchemaIsRejected() throws Exception {
    String json =
        ContractCodec.encode(TinyModels.metadata("tiny", 3)).replace("\"1.0\"", "\"2.0\"");
    byte[] future = Artifacts.withMetadata(version3, json);

    assertThatThrownBy(() -> newLoader().load(artifactFor(3, future), Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("Unsupported schemaVersion '2.0'");
  }

  @Test
  void entryEscapingTheDirectoryIsRejected() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("../escaped.txt"));
      zip.write(1);
      zip.closeEntry();
    }

    assertThatThrownBy(
            () -> newLoader().load(artifactFor(3, bytes.toByteArray()), Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("unsafe entry name '../escaped.txt'");
    assertThat(directory.getParent().resolve("escaped.txt")).doesNotExist();
  }

  @Test
  void missingFileIsReportedAsDownloadFailure() {
    ModelArtifact artifact =
        Announcer.artifact(
            "tiny", 3, directory.resolve("absent.zip").toUri().toString(), "0".repeat(64), 0);

    assertThatThrownBy(() -> newLoader().load(artifact, Runnable::run, () -> {}))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("does not exist")
        .extracting(e -> ((ModelLoadException) e).step())
        .isEqualTo(LoadStep.DOWNLOAD);
  }

  private ModelLoader newLoader() {
    InferenceConfig config =
        TestConfigs.inferenceConfig(
            Map.of(
                "saguaro.inference.loading.work-directory", directory.resolve("work").toString(),
                "saguaro.inference.batching.max-batch-size", "4",
                "saguaro.inference.loading.warmup-runs", "1"));
    return new ModelLoader(config, new ArtifactFetcher(config));
  }

  private ModelArtifact artifactFor(long version, byte[] bytes) throws Exception {
    Path zip = write("v" + version + "-" + System.nanoTime() + ".zip", bytes);
    return Announcer.artifact(
        "tiny", version, zip.toUri().toString(), Artifacts.sha256(bytes), bytes.length);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    Path file = directory.resolve(name);
    Files.write(file, bytes);
    return file;
  }
}
