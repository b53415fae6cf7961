package org.mambamixer.ablations.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.Flags;
import org.mambamixer.api.cli.UsageException;

/**
 * The {@code mambamixer} launcher's entry point: every module contributes its commands to a
 * {@code MapBinder<String, Command>}; this class only dispatches.
 */
public final class Main {
  private Main() {}

  /** The modules whose commands the launcher offers. */
  static List<Module> commandModules() {
    return List.of(new org.mambamixer.timeseries.cli.TimeseriesCommands(),
        new org.mambamixer.cuda.inject.KernelCommands());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    Injector injector = Guice.createInjector(commandModules());
    Map<String, Command> commands =
        new TreeMap<>(injector.getInstance(Key.get(new TypeLiteral<Map<String, Command>>() {})));
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
      System.out.println(overview(commands));
      return args.length == 0 ? 2 : 0;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      System.err.println("unknown command '" + args[0] + "'\n\n" + overview(commands));
      return 2;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      System.out.println(usage(args[0], command));
      return 0;
    }
    try {
      Flags flags = command.flags().parse(rest);
      return command.run(flags);
    } catch (UsageException e) {
      System.err.println("mambamixer " + args[0] + ": " + e.getMessage() + "\n\n"
          + usage(args[0], command));
      return 2;
    } catch (Exception e) {
      System.err.println("mambamixer " + args[0] + ": " + describe(e));
      if (System.getenv("MAMBAMIXER_DEBUG") != null) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null && e.getCause().getMessage() != null
        && !msg.contains(e.getCause().getMessage()) ? msg + ": " + e.getCause().getMessage() : msg;
  }

  private static String overview(Map<String, Command> commands) {
    StringBuilder sb = new StringBuilder("usage: ./mambamixer <command> [flags]   (--help after a"
        + " command lists its flags)\n\ncommands:\n");
    commands.forEach((name, c) -> sb.append(String.format("  %-12s %s%n", name, c.summary())));
    return sb.toString();
  }

  private static String usage(String name, Command c) {
    return "usage: ./mambamixer " + name + " [flags]\n" + c.summary() + "\n\nflags:\n"
        + c.flags().usage();
  }
}
