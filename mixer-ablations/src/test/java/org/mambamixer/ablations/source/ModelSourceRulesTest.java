package org.mambamixer.ablations.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules that hold across the main sources of the modules, checked on the text of the code. */
class ModelSourceRulesTest {
  private static final List<String> MODEL_MODULES = List.of("mixer-api", "mixer-timeseries",
      "mixer-vision", "mixer-sequence", "mixer-ablations");

  /**
   * Profiling attaches from outside (docs/architecture.md): no model, backend or training-loop
   * code times itself, imports the profiler or starts libtorch's.
   */
  @Test
  void modelCodeHoldsNoProfiling() {
    assertThat(matching(List.of("mixer-api", "mixer-cuda", "mixer-runtime", "mixer-timeseries",
        "mixer-vision", "mixer-sequence"),
        Pattern.compile("OpTimer|org\\.mambamixer\\.ablations\\.profile|startProfile"
            + "|ProcessCpuTime"))).isEmpty();
  }

  /**
   * Model code multiplies, divides and raises by constants through {@code api.util.Scalars},
   * never by a plain number: DJL 0.36 frees a number's tensor before the backward reads it, and
   * training goes NaN at random batches (docs/architecture.md, "Constants in a differentiated
   * graph"). Twice a layer did it anyway (the frozen average, PatchTST's attention scale). This
   * catches a literal, a cast or a {@code Math} call as the argument; a number held in a
   * variable it cannot tell from a tensor, which is what {@code ScalarsTest} and the blocks'
   * collection tests are for.
   */
  @Test
  void noModelCodeMultipliesOrDividesATensorByAPlainNumber() {
    assertThat(matching(MODEL_MODULES, Pattern.compile(
        "\\.(mul|div|pow)\\(\\s*(\\d|Math\\.|\\((float|double|int|long)\\))"))).isEmpty();
  }

  /** Every main source file of the modules that matches {@code rule}, as paths. */
  private static List<String> matching(List<String> modules, Pattern rule) {
    try (Stream<Path> files = modules.stream().flatMap(ModelSourceRulesTest::sources)) {
      return files.filter(f -> rule.matcher(read(f)).find()).map(Path::toString).toList();
    }
  }

  private static Stream<Path> sources(String module) {
    Path main = Path.of("..", module, "src", "main", "java");
    assertThat(main).isDirectory();
    try {
      return Files.walk(main).filter(p -> p.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
