package org.mambamixer.runtime.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.api.io.ContextClassPath;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.train.Checkpoint;

/**
 * The zoo on the class path: names from every jar's index, a class folder's model read in place,
 * a jar's extracted once to a stable folder, every file checked against the manifest on each
 * hand-out, and {@code zoo:NAME} resolved where a path is given.
 */
class PublishedModelsTest {

  @Test
  void aClassFolderModelIsReadInPlaceAndCheckedEachTime(@TempDir Path tmp) throws Exception {
    Path classes = tmp.resolve("classes");
    Path dir = publish(classes, "toy-a", "weights-a");
    ContextClassPath.with(List.of(classes), false, () -> {
      PublishedModels models = PublishedModels.onClassPath();
      assertThat(models.names()).containsExactly("toy-a");
      assertThat(models.folder("toy-a")).isEqualTo(dir);
      assertThat(models.resolve(Path.of("zoo:toy-a"))).isEqualTo(dir);
      assertThat(models.resolve(Path.of("runs/x/H96"))).isEqualTo(Path.of("runs/x/H96"));
      ZooManifest m = models.manifest("toy-a");
      assertThat(m.metric().value()).isEqualTo(0.25);
      assertThat(m.bytes(dir)).isEqualTo("weights-a".length() + "{}".length());

      assertThatThrownBy(() -> models.resolve(Path.of("zoo:toy-b")))
          .isInstanceOf(UnknownVariantException.class)
          .hasMessage("unknown published model 'toy-b'; known: toy-a");

      Files.writeString(dir.resolve("checkpoint/best/w.params"), "weights-b");
      assertThatThrownBy(() -> models.folder("toy-a")).isInstanceOf(IOException.class)
          .hasMessage("zoo:toy-a: checkpoint/best/w.params does not match its SHA-256 in"
              + " manifest.json: altered or corrupt");
      Files.writeString(dir.resolve("checkpoint/best/w.params"), "weights-a");
      assertThat(models.folder("toy-a")).isEqualTo(dir);
      Files.delete(dir.resolve("config.json"));
      assertThatThrownBy(() -> models.folder("toy-a")).isInstanceOf(IOException.class)
          .hasMessage("zoo:toy-a: config.json is missing from " + dir);
    });
  }

  @Test
  void aJarModelIsExtractedOnceToAFolderNamedByItsManifest(@TempDir Path tmp) throws Exception {
    Path classes = tmp.resolve("classes");
    publish(classes, "toy-jar-" + ProcessHandle.current().pid(), "weights-j");
    publish(tmp.resolve("other"), "toy-other", "weights-o");
    Path jar = tmp.resolve("zoo.jar");
    jar(classes, jar);
    ContextClassPath.with(List.of(jar, tmp.resolve("other")), false, () -> {
      PublishedModels models = PublishedModels.onClassPath();
      String name = "toy-jar-" + ProcessHandle.current().pid();
      assertThat(models.names()).containsExactly(name, "toy-other"); // both indexes, sorted
      Path dir = models.folder(name);
      try {
        assertThat(dir.getParent())
            .isEqualTo(Path.of(System.getProperty("user.home"), ".mambamixer", "zoo"));
        assertThat(dir.getFileName().toString()).matches(name + "-[0-9a-f]{12}");
        assertThat(Files.readString(dir.resolve("checkpoint/best/w.params")))
            .isEqualTo("weights-j");
        assertThat(models.folder(name)).isEqualTo(dir);
        Files.writeString(dir.resolve("config.json"), "{\"x\": 1}");
        assertThatThrownBy(() -> models.folder(name)).hasMessageContaining("config.json does"
            + " not match its SHA-256");
      } finally {
        AtomicFiles.deleteTree(dir);
      }
    });
  }

  @Test
  void publishedWeightsDropTheOptimizerAndKeepAManifestOfTheirOwn(@TempDir Path tmp)
      throws Exception {
    Path from = tmp.resolve("best");
    Files.createDirectories(from);
    Files.writeString(from.resolve("m-0003.params"), "weights");
    Files.writeString(from.resolve(Checkpoint.OPTIMIZER), "moments");
    Files.writeString(from.resolve(Checkpoint.MANIFEST), "{\"m-0003.params\": {\"size\": 7,"
        + " \"sha256\": \"" + Checkpoint.sha256(from.resolve("m-0003.params")) + "\"},"
        + " \"optimizer.bin\": {\"size\": 7, \"sha256\": \""
        + Checkpoint.sha256(from.resolve(Checkpoint.OPTIMIZER)) + "\"}}");
    Path to = tmp.resolve("copy");
    Checkpoint.copyWeights(from, to);
    try (Stream<Path> files = Files.list(to)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("m-0003.params", Checkpoint.MANIFEST);
    }
    Checkpoint.verify(to);
    assertThat(Files.readString(to.resolve(Checkpoint.MANIFEST))).doesNotContain("optimizer");

    Files.writeString(from.resolve(Checkpoint.OPTIMIZER), "altered");
    assertThatThrownBy(() -> Checkpoint.copyWeights(from, tmp.resolve("again")))
        .hasMessageContaining("optimizer.bin does not match its SHA-256");
  }

  /** A published model of two files under {@code classes}' zoo; returns its folder. */
  private static Path publish(Path classes, String name, String weights) throws IOException {
    Path zoo = classes.resolve(PublishedModels.ROOT);
    Path dir = Files.createDirectories(zoo.resolve(name).resolve("checkpoint/best"))
        .getParent().getParent();
    Files.writeString(dir.resolve("config.json"), "{}");
    Files.writeString(dir.resolve("checkpoint/best/w.params"), weights);
    new ZooManifest(name, "toy", "toy-data", "mambamixer toy", "abc", "now",
        new ZooManifest.Metric("mse", 0.25, "test"), new ZooManifest.Check(4, 0.5, 1e-4),
        Map.of("config.json", Checkpoint.sha256(dir.resolve("config.json")),
            "checkpoint/best/w.params", Checkpoint.sha256(dir.resolve("checkpoint/best/w.params"))))
        .write(dir);
    Files.writeString(zoo.resolve(PublishedModels.INDEX_FILE), "# published\n" + name + "\n");
    return dir;
  }

  /** Packs a class folder into a jar, as Maven packs a module's resources. */
  private static void jar(Path classes, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, (OutputStream) out);
        out.closeEntry();
      }
    }
  }
}
