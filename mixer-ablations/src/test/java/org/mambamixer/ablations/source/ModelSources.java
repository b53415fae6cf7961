package org.mambamixer.ablations.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The main sources of the given modules, for rules that hold across the code. */
final class ModelSources {
  private ModelSources() {}

  /** Every main source file of the modules that matches {@code rule}, as paths. */
  static List<String> matching(List<String> modules, Pattern rule) {
    try (Stream<Path> files = modules.stream().flatMap(ModelSources::sources)) {
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
