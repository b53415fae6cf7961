package org.mambamixer.runtime.cli;

import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Map;
import java.util.SortedMap;
import org.mambamixer.api.inject.Variants;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./mambamixer variants}: every registered name by kind, one line each. */
@Command(name = "variants", mixinStandardHelpOptions = true,
    description = "list every registered variant by kind (token mixers, channel mixers, skips,"
        + " norms, scan backends) with one line each")
public final class VariantsCommand implements LauncherCommand {
  private final Variants variants;

  @Spec CommandSpec spec;

  @Inject
  public VariantsCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SortedMap<String, SortedMap<String, String>> all = variants.catalogue();
    int width = all.values().stream().flatMap(m -> m.keySet().stream()).mapToInt(String::length)
        .max().orElse(0);
    for (Map.Entry<String, SortedMap<String, String>> kind : all.entrySet()) {
      out.println(kind.getKey() + " (--" + kind.getKey() + "):");
      kind.getValue().forEach((name, description) ->
          out.printf("  %-" + width + "s  %s%n", name, description));
    }
    out.flush();
    return 0;
  }
}
