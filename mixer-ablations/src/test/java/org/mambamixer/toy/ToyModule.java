package org.mambamixer.toy;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;

/** The toy modality's wiring: one command, found like any module's. */
public final class ToyModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("train-toy").to(ToyCommand.class);
  }
}
