package org.mambamixer.ablations.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.Modules;
import org.mambamixer.runtime.train.Stop;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code mambamixer} launcher: installs every Guice module found through {@link Modules}
 * ({@code META-INF/services/com.google.inject.Module} in each jar), so a jar on the class path adds
 * its variants and commands with no edit here, and offers every registered command as a picocli
 * sub-command. Exit codes: 0 success, 1 runtime failure (one line naming the problem; the stack
 * with {@code MAMBAMIXER_DEBUG} set), 2 usage error (usage on stderr), 130 and 143 a run stopped
 * by SIGINT or SIGTERM before a training batch ({@link Stop}).
 */
@Command(name = "mambamixer", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "MambaMixer for the JVM: selective token and channel mixing (TSM2, ViM2, ...)",
    footer = "%nRun ./mambamixer <command> --help for a command's options; @FILE reads arguments"
        + " from FILE.")
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    Stop.onSignals(System.err);
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Parses and runs one command line; output and errors go to the given writers. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return commandLine(Guice.createInjector(Modules.discovered()), out, err).execute(args);
  }

  /** The launcher's command line over the commands an injector registers. */
  public static CommandLine commandLine(Injector injector, PrintWriter out, PrintWriter err) {
    Map<String, LauncherCommand> commands = new TreeMap<>(
        injector.getInstance(Key.get(new TypeLiteral<Map<String, LauncherCommand>>() {})));
    CommandLine cl = new CommandLine(new Main());
    commands.forEach(cl::addSubcommand);
    cl.setOut(out).setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("mambamixer " + line.getCommandName() + ": " + describe(e));
      if (System.getenv("MAMBAMIXER_DEBUG") != null) {
        e.printStackTrace(line.getErr());
      }
      line.getErr().flush();
      return e instanceof Stop.Stopped s ? s.exitCode() : e instanceof UnknownVariantException ? 2
          : 1;
    });
    return cl;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a command");
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null && e.getCause().getMessage() != null
        && !msg.contains(e.getCause().getMessage()) ? msg + ": " + e.getCause().getMessage() : msg;
  }

  /** The version from the launcher jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"mambamixer " + (v == null ? "(development build)" : v) + ", Java "
          + System.getProperty("java.version")};
    }
  }
}
