package org.mambamixer.ablations.study;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;

/** Contributes the {@code ablate} command. */
public final class StudyModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("ablate").to(AblateCommand.class);
  }
}
