package org.mambamixer.toy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.runtime.cli.Modules;
import org.mambamixer.runtime.report.Table;

/**
 * A new modality in six files of this folder (config, model, data, task, command, Guice module;
 * docs/extending.md), added the way a plug-in is: its module beside the discovered ones. Its
 * command trains through the one loop and gets every run-directory file, --resume and --config
 * from the runtime.
 */
class ToyModalityTest {
  private static final Injector INJECTOR = Guice.createInjector(modules());
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static List<Module> modules() {
    List<Module> all = new ArrayList<>(Modules.discovered());
    all.add(new ToyModule());
    return all;
  }

  private int run(String... args) {
    return Main.commandLine(INJECTOR, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void theToyModalityTrainsResumesAndRerunsThroughTheOneLoop(@TempDir Path tmp)
      throws Exception {
    Path dir = tmp.resolve("toy");
    assertThat(run("train-toy", "--epochs", "4", "--scan", "fused", "--run-dir",
        dir.toString())).as(err.toString()).isZero();
    for (String f : new String[] {"config.json", "metrics.csv", "batch_loss.csv", "state.json",
        "loss.png", "checkpoint/best/manifest.json", "checkpoint/last/manifest.json"}) {
      assertThat(dir.resolve(f)).as(f).isNotEmptyFile();
    }
    Table metrics = Table.readCsv(dir.resolve("metrics.csv"));
    assertThat(metrics.columns()).containsExactly("epoch", "lr", "train_mse", "val_mse",
        "seconds");
    double[] val = metrics.doubles("val_mse");
    assertThat(val).hasSize(4);
    // It learns: well below the error of predicting the targets' mean (measured: 0.07 against
    // a variance of about 0.4), and better than after its first epoch.
    float[] y = ToyData.of(64, 16, 2).y();
    double mean = 0;
    double variance = 0;
    for (float v : y) {
      mean += v / y.length;
    }
    for (float v : y) {
      variance += (v - mean) * (v - mean) / y.length;
    }
    assertThat(val[3]).isLessThan(0.3 * variance).isLessThan(val[0]);
    assertThat(Table.readCsv(dir.resolve("batch_loss.csv")).rowCount()).isEqualTo(4 * 8);

    // A finished run resumed trains nothing more; a flag against its config is named.
    assertThat(run("train-toy", "--resume", "--run-dir", dir.toString())).isZero();
    assertThat(Table.readCsv(dir.resolve("metrics.csv")).doubles("val_mse")).isEqualTo(val);
    assertThat(run("train-toy", "--resume", "--run-dir", dir.toString(), "--d-model", "16"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--d-model 16 (the run has 8)");

    // --config reruns it with a flag over it.
    Path again = tmp.resolve("again");
    assertThat(run("train-toy", "--config", dir.resolve("config.json").toString(), "--epochs",
        "1", "--run-dir", again.toString())).as(err.toString()).isZero();
    assertThat(Files.readString(again.resolve("config.json"))).contains("\"epochs\": 1")
        .contains("\"scan\": \"fused\"");
    assertThat(Table.readCsv(again.resolve("metrics.csv")).doubles("val_mse")[0])
        .isEqualTo(val[0]);
  }
}
