package org.mambamixer.ablations.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.inject.UnknownVariantException;

/** {@code bench-step --model}: a baseline is timed at its recipe, and has no scan bound. */
class TrainStepProfileTest {

  private static TrainStepProfile.Options options(String model) {
    // TSM2's sizes are small here; a model with a recipe ignores them for its own.
    return new TrainStepProfile.Options(model, null, 2, 40, 32, 8, 8, 1, 4, 8, 4, 8, 8, 1, 1, 0,
        "reference", false, false);
  }

  @Test
  void aBaselineRunsAtItsRecipeAndReportsNoScanBound() throws Exception {
    String out = profile("dlinear");
    assertThat(out).contains("dlinear step profile (its recipe)", "lookback 336", "batch 32")
        .contains("No selective scan in this model").doesNotContain("Scan exp bound");
  }

  @Test
  void tsm2RunsAtTheGivenSizesAndIsHeldToTheScanBound() throws Exception {
    String out = profile("tsm2");
    assertThat(out).contains("tsm2 step profile: random walk", "lookback 32", "d_model 8",
        "batch 8").contains("Scan exp bound");
  }

  @Test
  void anUnknownModelNamesTheKnownOnes() {
    assertThatThrownBy(() -> profile("no-such-model")).isInstanceOf(UnknownVariantException.class)
        .hasMessageContaining("patchtst");
  }

  private static String profile(String model) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TrainStepProfile.run(options(model), Assembled.catalog(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
