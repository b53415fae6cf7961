package org.mambamixer.runtime.cli;

import com.google.inject.Module;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The Guice modules the jars on the class path ship as services: what the launcher installs, and
 * what a library entry point without a launcher (the DJL model zoo) installs to find the same
 * variants, commands and zoo tasks.
 */
public final class Modules {
  private Modules() {}

  /** Every module found through {@link ServiceLoader}. */
  public static List<Module> discovered() {
    return ServiceLoader.load(Module.class).stream().map(ServiceLoader.Provider::get).toList();
  }
}
