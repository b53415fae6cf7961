package org.mambamixer.runtime.cli;

import com.google.inject.AbstractModule;

/** mixer-runtime's contribution to the launcher: the {@code variants} command. */
public final class RuntimeModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("variants").to(VariantsCommand.class);
  }
}
