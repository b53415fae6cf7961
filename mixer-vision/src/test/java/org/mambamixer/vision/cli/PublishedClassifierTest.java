package org.mambamixer.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.io.ContextClassPath;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.zoo.PublishedModels;
import org.mambamixer.runtime.zoo.ZooManifest;
import org.mambamixer.vision.train.ClassifyRun;

/**
 * A ViM2 classifier published and read back by name: a tiny run (8 x 8 synthetic images, the
 * reference scan) is published into a zoo folder of the test's own, put on the class path, and
 * then {@code zoo}, {@code evaluate-classifier zoo:NAME} and {@code classify --init-from
 * zoo:NAME} read it as they read a run directory.
 */
class PublishedClassifierTest {

  @Test
  void aPublishedClassifierIsEvaluatedAndFineTunedByName(@TempDir Path tmp) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data/fashion-mnist"));
    ClassifyCommandTest.writeSplit(data, "train", 24, 1);
    ClassifyCommandTest.writeSplit(data, "t10k", 10, 2);
    String[] small = {"--dataset", "fashion-mnist", "--data-dir", tmp.resolve("data").toString(),
        "--model", "vim2-tiny-28", "--max-batches", "2", "--batch-size", "4", "--val-size", "4",
        "--scan", "reference", "--epochs", "1"};
    Path run = tmp.resolve("run");
    assertThat(new Launcher().run(concat(new String[] {"classify", "--run-dir", run.toString()},
        small))).isZero();

    Path zoo = tmp.resolve("classes").resolve(PublishedModels.ROOT);
    Launcher publish = new Launcher();
    assertThat(publish.run("publish-model", run.toString(), "--name", "vim2-tiny-test", "--task",
        "classify", "--into", zoo.toString(), "--slice", "4", "--trained", "in a test",
        "--scan", "reference")).as(publish.err.toString()).isZero();
    ZooManifest m = ZooManifest.read(zoo.resolve("vim2-tiny-test").resolve(ZooManifest.FILE));
    Table own = Table.readCsv(run.resolve("results.csv"));
    // The documented metric is the run's own test top-1: the same weights, the same protocol.
    assertThat(m.metric().value()).isEqualTo(((Number) own.get(0, "top1")).doubleValue());
    assertThat(m.metric().name()).isEqualTo("top1");
    assertThat(m.check().slice()).isEqualTo(4);
    assertThat(m.check().expected() * 4).isCloseTo(Math.rint(m.check().expected() * 4),
        org.assertj.core.data.Offset.offset(1e-9)); // a share of 4 images
    assertThat(m.files()).containsKeys("config.json", "checkpoint/best/manifest.json")
        .noneSatisfy((f, sha) -> assertThat(f).endsWith("optimizer.bin"));
    assertThat(Files.readAllLines(zoo.resolve(PublishedModels.INDEX_FILE)))
        .containsExactly("vim2-tiny-test");

    ContextClassPath.with(List.of(tmp.resolve("classes")), true, () -> {
      Launcher list = new Launcher();
      assertThat(list.run("zoo")).as(list.err.toString()).isZero();
      assertThat(list.out.toString()).containsPattern("\\| vim2-tiny-test +\\| classify +\\|"
          + " fashion-mnist +\\| top1 ");

      Path csv = tmp.resolve("eval.csv");
      Launcher eval = new Launcher();
      assertThat(eval.run("evaluate-classifier", "zoo:vim2-tiny-test", "--csv", csv.toString(),
          "--data-dir", tmp.resolve("data").toString(), "--scan", "reference"))
          .as(eval.err.toString()).isZero();
      Table t = Table.readCsv(csv);
      assertThat(t.get(0, "run")).isEqualTo("zoo:vim2-tiny-test");
      assertThat(((Number) t.get(0, "top1")).doubleValue()).isEqualTo(m.metric().value());

      Launcher verify = new Launcher();
      assertThat(verify.run("zoo", "--verify", "--quick", "--scan", "reference"))
          .as(verify.err.toString()).isZero();
      assertThat(verify.out.toString()).containsPattern("\\| vim2-tiny-test .*\\| yes +\\|");

      Path tuned = tmp.resolve("tuned");
      Launcher init = new Launcher();
      assertThat(init.run(concat(new String[] {"classify", "--run-dir", tuned.toString(),
          "--init-from", "zoo:vim2-tiny-test"}, small))).as(init.err.toString()).isZero();
      assertThat(ClassifyRun.readSpec(tuned.resolve("config.json")).init().checkpoint())
          .isEqualTo(zoo.resolve("vim2-tiny-test/checkpoint/best").toAbsolutePath().toString());

      // A published classifier averages like a run directory: with the run it was published
      // from, the average is those very weights, and scores the documented top-1.
      Path averaged = tmp.resolve("averaged");
      Launcher average = new Launcher();
      assertThat(average.run("average-weights", "zoo:vim2-tiny-test", run.toString(),
          "--run-dir", averaged.toString(), "--scan", "reference"))
          .as(average.err.toString()).isZero();
      Table avg = Table.readCsv(averaged.resolve("results.csv"));
      assertThat(((Number) avg.get(avg.rowCount() - 1, "top1")).doubleValue())
          .isEqualTo(m.metric().value());
      assertThat(Files.readString(averaged.resolve("config.json"))).contains(
          zoo.resolve("vim2-tiny-test/checkpoint/best").toAbsolutePath().toString());

      // A manifest whose recorded slice value the model does not reproduce fails the check.
      Path manifest = zoo.resolve("vim2-tiny-test").resolve(ZooManifest.FILE);
      new ZooManifest(m.name(), m.task(), m.dataset(), m.command(), m.commit(), m.trained(),
          m.metric(), new ZooManifest.Check(4, m.check().expected() + 0.25, 1e-4), m.files())
          .write(manifest.getParent());
      Launcher off = new Launcher();
      assertThat(off.run("zoo", "--verify", "--quick", "--scan", "reference")).isEqualTo(1);
      assertThat(off.out.toString()).containsPattern("\\| vim2-tiny-test .*\\| NO +\\|");
      assertThat(off.err.toString()).contains("does not reproduce its documented metric");
      m.write(manifest.getParent());

      Launcher unknown = new Launcher();
      assertThat(unknown.run("evaluate-classifier", "zoo:vim2-huge")).isEqualTo(2);
      assertThat(unknown.err.toString().strip()).isEqualTo("mambamixer evaluate-classifier:"
          + " unknown published model 'vim2-huge'; known: vim2-tiny-test");

      Files.writeString(zoo.resolve("vim2-tiny-test/config.json"), "{}");
      Launcher altered = new Launcher();
      assertThat(altered.run("evaluate-classifier", "zoo:vim2-tiny-test")).isEqualTo(1);
      assertThat(altered.err.toString().strip()).isEqualTo("mambamixer evaluate-classifier:"
          + " zoo:vim2-tiny-test: config.json does not match its SHA-256 in manifest.json:"
          + " altered or corrupt");
    });
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
