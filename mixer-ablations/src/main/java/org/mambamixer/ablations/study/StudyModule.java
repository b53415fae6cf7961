package org.mambamixer.ablations.study;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;

/** Contributes the {@code ablate}, {@code bench-step} and {@code bench-vim2-step} commands. */
public final class StudyModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("ablate").to(AblateCommand.class);
    Commands.registry(binder()).addBinding("bench-step")
        .to(org.mambamixer.ablations.bench.StepProfileCommand.class);
    Commands.registry(binder()).addBinding("bench-vim2-step")
        .to(org.mambamixer.ablations.bench.VisionStepCommand.class);
  }
}
