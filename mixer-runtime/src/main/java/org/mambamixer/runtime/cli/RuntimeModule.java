package org.mambamixer.runtime.cli;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.zoo.PublishCommand;
import org.mambamixer.runtime.zoo.ZooCommand;
import org.mambamixer.runtime.zoo.ZooTask;

/**
 * mixer-runtime's contribution to the launcher: the {@code variants}, {@code zoo} and {@code
 * publish-model} commands, and the (possibly empty) registry of zoo tasks the modalities fill.
 */
public final class RuntimeModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("variants").to(VariantsCommand.class);
    Commands.registry(binder()).addBinding("zoo").to(ZooCommand.class);
    Commands.registry(binder()).addBinding("publish-model").to(PublishCommand.class);
    ZooTask.registry(binder());
  }
}
