package org.mambamixer.ablations.cli;

import com.google.inject.AbstractModule;
import java.util.concurrent.Callable;
import org.mambamixer.api.inject.Registries;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.SelectiveTokenMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.cli.Commands;
import org.mambamixer.runtime.cli.LauncherCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A module that exists only in test code and reaches the launcher only through this module's test
 * resources ({@code META-INF/services}): proof that a jar adds variants and commands by shipping a
 * module, with no edit anywhere else.
 */
public final class TestOnlyModule extends AbstractModule {
  @Override
  protected void configure() {
    Registries.tokenMixers(binder()).addBinding("test-reversed").to(Reversed.class);
    Commands.registry(binder()).addBinding("hello").to(Hello.class);
  }

  /** A token mixer variant: the selective mixer scanning backward only. */
  static final class Reversed implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveTokenMixer(spec,
          java.util.List.of(org.mambamixer.api.scan.ScanRoute.BACKWARD), scan);
    }

    @Override
    public String description() {
      return "test-only: the selective token mixer, backward route only";
    }
  }

  /** A command: greets, so the test can see it ran. */
  @Command(name = "hello", description = "test-only command")
  static final class Hello implements LauncherCommand, Callable<Integer> {
    @Option(names = "--name", defaultValue = "world")
    String name;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println("hello " + name);
      return 0;
    }
  }
}
