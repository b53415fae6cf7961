package org.mambamixer.sequence.cli;

import com.google.inject.AbstractModule;
import org.mambamixer.api.inject.Registries;
import org.mambamixer.runtime.cli.Commands;
import org.mambamixer.sequence.model.FeatureMlp;

/**
 * mixer-sequence's contribution to the launcher, found through {@code META-INF/services}: the
 * token-local {@code feature-mlp} channel mixer and the {@code classify-sequence} command.
 */
public final class SequenceModule extends AbstractModule {
  @Override
  protected void configure() {
    Registries.channelMixers(binder()).addBinding("feature-mlp").to(FeatureMlp.Factory.class);
    Commands.registry(binder()).addBinding("classify-sequence").to(ClassifySequenceCommand.class);
  }
}
