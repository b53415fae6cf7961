package org.mambamixer.ablations.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Model code multiplies, divides and raises by constants through {@code api.util.Scalars}, never
 * by a plain number: DJL 0.36 frees a number's tensor before the backward reads it, and training
 * goes NaN at random batches (docs/architecture.md, "Constants in a differentiated graph"). Twice
 * now a layer did it anyway (the frozen average, PatchTST's attention scale). This catches a
 * literal, a cast or a {@code Math} call as the argument; a number held in a variable it cannot
 * tell from a tensor, which is what {@code ScalarsTest} and the blocks' collection tests are for.
 */
class ConstantsInGraphsTest {
  private static final List<String> MODEL_MODULES = List.of("mixer-api", "mixer-timeseries",
      "mixer-vision", "mixer-sequence", "mixer-ablations");
  private static final Pattern NUMBER_OPERAND = Pattern.compile(
      "\\.(mul|div|pow)\\(\\s*(\\d|Math\\.|\\((float|double|int|long)\\))");

  @Test
  void noModelCodeMultipliesOrDividesATensorByAPlainNumber() {
    assertThat(ModelSources.matching(MODEL_MODULES, NUMBER_OPERAND)).isEmpty();
  }
}
