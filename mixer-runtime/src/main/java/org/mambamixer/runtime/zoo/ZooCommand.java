package org.mambamixer.runtime.zoo;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer zoo}: the published models with their documented metric; with {@code
 * --verify}, each one's files checked against its manifest and its metric measured again on the
 * whole documented split (or, with {@code --quick}, on the slice the CI test uses).
 */
@Command(name = "zoo", mixinStandardHelpOptions = true,
    description = "list the published models (zoo:NAME) with their documented metric; --verify"
        + " measures each again")
public final class ZooCommand implements LauncherCommand {
  @Parameters(paramLabel = "NAME", arity = "0..*",
      description = "only these published models (default: all)")
  List<String> names;

  @Option(names = "--verify",
      description = "check each model's files against its manifest and measure its documented"
          + " metric again on the whole split; exit 1 when one is off by more than its tolerance")
  boolean verify;

  @Option(names = "--quick",
      description = "with --verify: measure on the slice of the split the CI test uses")
  boolean quick;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "data directory for --verify (default: each task's usual lookup,"
          + " $MAMBAMIXER_DATA first)")
  String dataDir;

  @Mixin ScanOption scanOption;

  @Spec CommandSpec spec;

  private final Map<String, ZooTask> tasks;
  private final Variants variants;

  @Inject
  public ZooCommand(Map<String, ZooTask> tasks, Variants variants) {
    this.tasks = tasks;
    this.variants = variants;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PublishedModels models = PublishedModels.onClassPath();
    List<String> chosen = names == null || names.isEmpty() ? models.names() : names;
    if (quick && !verify) {
      throw new ParameterException(spec.commandLine(), "--quick is a kind of --verify; give both");
    }
    if (verify) {
      variants.checkScan(scanOption.name());
    }
    Table table = verify
        ? Table.of("name", "metric", "split", "items", "documented", "measured", "tolerance", "ok")
        : Table.of("name", "task", "dataset", "metric", "split", "value", "MB");
    boolean allHold = true;
    for (String name : chosen) {
      ZooManifest m = models.manifest(name);
      if (!verify) {
        Path dir = models.folder(name);
        table = table.append(name, m.task(), m.dataset(), m.metric().name(), m.metric().split(),
            m.metric().value(), m.bytes(dir) / 1e6);
        continue;
      }
      ZooTask task = tasks.get(m.task());
      if (task == null) {
        throw new IOException("zoo:" + name + " is of task " + m.task() + ", which no module on"
            + " the class path registers (known: " + String.join(", ", tasks.keySet()) + ")");
      }
      int slice = quick ? m.check().slice() : 0;
      double want = quick ? m.check().expected() : m.metric().value();
      double got = task.measure(models.folder(name), m, slice, dataDir, scanOption.name(), out);
      boolean holds = Math.abs(got - want) <= m.check().tolerance();
      allHold &= holds;
      table = table.append(name, m.metric().name(), m.metric().split(),
          quick ? "first " + slice : "all", want, got, m.check().tolerance(), holds ? "yes" : "NO");
    }
    out.println(table.toMarkdown(4));
    out.flush();
    if (!allHold) {
      spec.commandLine().getErr().println("mambamixer zoo: a published model does not reproduce"
          + " its documented metric within its tolerance (the rows marked NO)");
      return 1;
    }
    return 0;
  }
}
