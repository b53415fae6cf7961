package org.mambamixer.timeseries.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.timeseries.model.PaperResults;
import org.mambamixer.timeseries.train.ForecastRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer summary}: joins every forecast run's results under a directory into one
 * table beside the paper's Table 5, as CSV and Markdown: a row per (run, horizon), grouped by
 * dataset and horizon, so a validation-only grid reads as one block whose best val_mse is the
 * choice.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
    description = "join forecast results into one table beside the paper's Table 5")
public final class SummaryCommand implements LauncherCommand {
  @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
      description = "directory searched for results.csv of forecast runs (default ${DEFAULT-VALUE})")
  Path root;

  @Option(names = "--output", paramLabel = "PREFIX", description = "also write PREFIX.csv and PREFIX.md")
  String output;

  @Option(names = "--model", paramLabel = "NAME",
      description = "instead: a model preset's per-stage shapes and parameter counts (the"
          + " registered model-summary command, e.g. vim2-tiny)")
  String model;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (model != null) {
      // Model presets belong to their modality; whichever module registers model-summary
      // answers, so this command needs no dependency on it.
      picocli.CommandLine launcher = spec.commandLine().getParent();
      picocli.CommandLine target =
          launcher == null ? null : launcher.getSubcommands().get("model-summary");
      if (target == null) {
        throw new ParameterException(spec.commandLine(),
            "--model needs a module that registers model-summary (mixer-vision does)");
      }
      return target.execute("--model", model);
    }
    if (!Files.isDirectory(root)) {
      throw new ParameterException(spec.commandLine(), "--runs " + root + " is not a directory");
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      // Per-horizon run directories hold their own results.csv; take the leaves only.
      files = s.filter(p -> p.getFileName().toString().equals("results.csv"))
          .filter(p -> p.getParent().getFileName().toString().matches("H\\d+"))
          .sorted().toList();
    }
    List<Object[]> rows = new ArrayList<>();
    for (Path file : files) {
      Table t = Table.readCsv(file);
      for (int i = 0; i < t.rowCount(); i++) {
        String dataset = t.get(i, "dataset").toString();
        int lookback = ((Number) t.get(i, "lookback")).intValue();
        int horizon = ((Number) t.get(i, "horizon")).intValue();
        double mse = ((Number) t.get(i, "mse")).doubleValue();
        double paper = lookback == 512 ? PaperResults.tsm2Mse(dataset, horizon) : Double.NaN;
        boolean hasPaper = !Double.isNaN(paper);
        String run = file.getParent().getParent().getFileName().toString();
        String variants = variantsOf(file.getParent().resolve("config.json"));
        // Runs written before results named their validation MSE have none.
        Object val = t.columns().contains("val_mse") ? t.get(i, "val_mse") : null;
        rows.add(new Object[] {run, variants, dataset, lookback, horizon, val, mse,
            ((Number) t.get(i, "mae")).doubleValue(), hasPaper ? paper : null,
            hasPaper ? mse / paper : null, t.get(i, "epochs"),
            t.get(i, "seconds_per_epoch"), t.get(i, "peak_rss_mb")});
      }
    }
    rows.sort(Comparator.<Object[], String>comparing(r -> (String) r[2])
        .thenComparing(r -> (Integer) r[3])
        .thenComparing(r -> (Integer) r[4])
        .thenComparing(r -> (String) r[0]));
    Table table = Table.of("run", "variants", "dataset", "lookback", "horizon", "val_mse", "mse",
        "mae", "paper_mse", "mse_ratio", "epochs", "seconds_per_epoch", "peak_rss_mb");
    for (Object[] r : rows) {
      table = table.append(r);
    }
    spec.commandLine().getOut().println(table.toMarkdown(3));
    spec.commandLine().getOut().flush();
    if (output != null) {
      table.writeCsv(Path.of(output + ".csv"));
      table.writeMarkdown(Path.of(output + ".md"), 3);
    }
    return 0;
  }

  /**
   * The run's variants as its config.json names them ({@code token/channel/skip/norm @ scan}), so
   * ablation rows can be told apart; "?" for runs written before configs named them.
   */
  private static String variantsOf(Path config) {
    try {
      ForecastRun.Spec s = ForecastRun.readSpec(config);
      MixerChoice v = s.model().variants();
      return v == null ? "?" : v.tokenMixer() + "/" + v.channelMixer() + "/" + v.skip() + "/"
          + v.norm() + " @" + s.scan();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
