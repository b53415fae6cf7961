package org.mambamixer.ablations.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Profiling attaches from outside (docs/architecture.md): no model, backend or training-loop code
 * times itself, imports the profiler or starts libtorch's.
 */
class ModelCodeUnprofiledTest {
  private static final List<String> MODULES = List.of("mixer-api", "mixer-cuda", "mixer-runtime",
      "mixer-timeseries", "mixer-vision", "mixer-sequence");
  private static final Pattern PROFILING = Pattern.compile(
      "OpTimer|org\\.mambamixer\\.ablations\\.profile|startProfile|ProcessCpuTime");

  @Test
  void modelCodeHoldsNoProfiling() {
    assertThat(ModelSources.matching(MODULES, PROFILING)).isEmpty();
  }
}
