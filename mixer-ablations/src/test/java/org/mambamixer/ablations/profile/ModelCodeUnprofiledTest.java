package org.mambamixer.ablations.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
  void modelCodeHoldsNoProfiling() throws IOException {
    List<String> offending;
    try (Stream<Path> files = MODULES.stream().flatMap(ModelCodeUnprofiledTest::sources)) {
      offending = files.filter(f -> PROFILING.matcher(read(f)).find()).map(Path::toString)
          .toList();
    }
    assertThat(offending).isEmpty();
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
