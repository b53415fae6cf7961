package org.mambamixer.sequence.cli;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;

/**
 * mixer-sequence's contribution to the launcher, found through {@code META-INF/services}: the
 * {@code classify-sequence} command. The modality needs no variant of its own: in its
 * (B, 1, L, D) layout every registered channel mixer is token-local.
 */
public final class SequenceModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("classify-sequence").to(ClassifySequenceCommand.class);
  }
}
