package org.mambamixer.vision.cli;

import java.io.PrintWriter;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.model.Vim2Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer model-summary --model NAME}: a ViM2 preset's per-stage shapes and parameter
 * counts, ending with {@code total parameters: N}. Counted from the config alone, so even the
 * 224 x 224 presets print at once.
 */
@Command(name = "model-summary", mixinStandardHelpOptions = true,
    description = "print a ViM2 preset's per-stage shapes and parameter counts")
public final class ModelSummaryCommand implements LauncherCommand {
  @Option(names = "--model", paramLabel = "NAME", required = true,
      description = "a ViM2 preset: vim2-tiny, vim2-small, vim2-base, vim2-tiny-28, vim2-tiny-32")
  String model;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Vim2Config config;
    try {
      config = Vim2Config.preset(model);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    Vim2Summary.rows(config).forEach(out::println);
    out.flush();
    return 0;
  }
}
