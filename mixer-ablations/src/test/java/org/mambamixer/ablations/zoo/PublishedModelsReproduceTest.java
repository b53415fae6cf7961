package org.mambamixer.ablations.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.io.SharedFiles;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.runtime.zoo.ZooManifest;
import org.mambamixer.runtime.zoo.ZooTask;

/**
 * Every published model, as the launcher's class path has them: its files hold their manifest's
 * hashes, its task is registered, the whole set stays small enough to ship in the repository,
 * and on the first items of its test split it reproduces the value measured when it was
 * published (the documented whole-split metric is {@code ./mambamixer zoo --verify}).
 */
class PublishedModelsReproduceTest {
  /** Where each task's data lies under the shared data folder. */
  private static final Map<String, String> DATA = Map.of("forecast", "forecasting",
      "classify", "images");

  private final PublishedModels models = PublishedModels.onClassPath();
  private final Map<String, ZooTask> tasks = Assembled.injector()
      .getInstance(Key.get(new TypeLiteral<Map<String, ZooTask>>() {}));

  @Test
  void everyPublishedModelHoldsItsManifest() throws Exception {
    List<String> names = models.names();
    assertThat(names).contains("tsm2-etth1-96");
    long bytes = 0;
    for (String name : names) {
      Path dir = models.folder(name); // checks every file's SHA-256
      ZooManifest m = models.manifest(name);
      assertThat(m.name()).isEqualTo(name);
      assertThat(tasks).as("zoo:%s's task", name).containsKey(m.task());
      assertThat(m.metric().name()).isEqualTo(tasks.get(m.task()).metric());
      assertThat(m.command()).startsWith("mambamixer ");
      assertThat(m.commit()).matches("[0-9a-f]{40}");
      assertThat(m.files()).containsKeys("config.json", "checkpoint/best/manifest.json");
      bytes += m.bytes(dir);
    }
    assertThat(bytes).as("the published set's size").isLessThan(20_000_000);
  }

  @Test
  void everyPublishedModelReproducesItsCheckOnASliceOfItsData() throws Exception {
    Path data = SharedFiles.dataDir();
    Assumptions.assumeTrue(SharedFiles.present(data, "benchmark data"),
        SharedFiles.missing(data, "benchmark data"));
    for (String name : models.names()) {
      ZooManifest m = models.manifest(name);
      double got = tasks.get(m.task()).measure(models.folder(name), m, m.check().slice(),
          data.resolve(DATA.get(m.task())).toString(), "fused",
          new PrintWriter(new StringWriter()));
      assertThat(got).as("zoo:%s %s on the first %d test items", name, m.metric().name(),
          m.check().slice()).isCloseTo(m.check().expected(),
              org.assertj.core.data.Offset.offset(m.check().tolerance()));
    }
  }
}
