package org.mambamixer.vision.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.RuntimeModule;
import org.mambamixer.vision.inject.VisionModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The launcher as the tests run it: picocli over the commands of an injector built from
 * mixer-api, mixer-runtime and mixer-vision (no kernels), with the launcher's exit codes
 * (0 success, 1 runtime failure, 2 usage error).
 */
final class Launcher {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final Injector injector =
      Guice.createInjector(new MixerModule(), new RuntimeModule(), new VisionModule());

  @Command(name = "mambamixer")
  static final class Root implements Runnable {
    @Override
    public void run() {}
  }

  int run(String... args) {
    Map<String, LauncherCommand> commands = new TreeMap<>(
        injector.getInstance(Key.get(new TypeLiteral<Map<String, LauncherCommand>>() {})));
    CommandLine cl = new CommandLine(new Root());
    commands.forEach(cl::addSubcommand);
    cl.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      line.getErr().println("mambamixer " + line.getCommandName() + ": " + e.getMessage());
      line.getErr().flush();
      return e instanceof UnknownVariantException ? 2 : 1;
    });
    return cl.execute(args);
  }
}
