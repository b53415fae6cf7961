package org.mambamixer.ablations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.inject.Variants;

/** The launcher: discovery through ServiceLoader, the variants listing, help and exit codes. */
class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void aModuleDefinedOnlyInTestCodeAddsAVariantAndACommandSelectedByName() {
    assertThat(run("hello", "--name", "mixer")).isZero();
    assertThat(out.toString()).contains("hello mixer");
    Variants variants = Assembled.variants();
    var net = variants.backbone(BackboneConfig.of(1, 8).withTokenMixer("test-reversed"),
        variants.scan("reference"));
    assertThat(net.config().variants().tokenMixer()).isEqualTo("test-reversed");
    assertThat(run("variants")).isZero();
    assertThat(out.toString()).contains("test-reversed")
        .contains("test-only: the selective token mixer, backward route only");
  }

  @Test
  void variantsListsEveryKindAndTheRequiredNames() {
    assertThat(run("variants")).isZero();
    String listing = out.toString();
    assertThat(listing).contains("token-mixer (--token-mixer):", "channel-mixer (--channel-mixer):",
        "skip (--skip):", "norm (--norm):", "scan (--scan):");
    for (String name : new String[] {"selective", "selective-bidirectional", "learned", "softmax",
        "frozen", "residual", "reference", "fused", "cpu", "cuda", "auto", "layer", "rms"}) {
      assertThat(listing).containsPattern("(?m)^  " + name + " +\\S");
    }
  }

  @Test
  void helpVersionAndUsageErrors(@TempDir Path tmp) throws Exception {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("forecast", "predict", "summary", "scan-check", "bench",
        "variants");
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("mambamixer");
    assertThat(run()).isEqualTo(2);
    assertThat(run("no-such-command")).isEqualTo(2);
    assertThat(err.toString()).contains("no-such-command");
    Path args = tmp.resolve("args.txt");
    Files.writeString(args, "hello\n--name\nfrom-a-file\n");
    assertThat(run("@" + args)).isZero();
    assertThat(out.toString()).contains("hello from-a-file");
  }

  @Test
  void scanCheckTakesTheSameScanOptionAsEveryCommand() {
    assertThat(run("scan-check", "--scan", "cpu", "--quick", "--reps", "0")).isZero();
    assertThat(out.toString()).contains("scan-check: PASS");
  }

  @Test
  void summaryWithAModelPrintsThePresetsParameterCount() {
    assertThat(run("summary", "--model", "vim2-tiny")).isZero();
    assertThat(out.toString()).containsPattern("total parameters: [0-9,]+");
  }
}
