package org.mambamixer.ablations.inject;

import com.google.inject.AbstractModule;
import org.mambamixer.ablations.variants.AttentionTokenMixer;
import org.mambamixer.ablations.variants.LinearTokenMixer;
import org.mambamixer.ablations.variants.FeatureMlpChannelMixer;
import org.mambamixer.ablations.variants.GridTokenMixer;
import org.mambamixer.ablations.variants.MlpChannelMixer;
import org.mambamixer.ablations.variants.MlpTokenMixer;
import org.mambamixer.ablations.variants.PositionalAttentionTokenMixer;
import org.mambamixer.ablations.variants.RemovedChannelMixer;
import org.mambamixer.ablations.variants.RemovedTokenMixer;
import org.mambamixer.api.inject.Registries;

/**
 * The ablation variants (issue "Variants") in the registries by name, beside mixer-api's selective
 * ones: one binding per variant. Found by the launcher through
 * {@code META-INF/services/com.google.inject.Module}.
 */
public final class VariantModule extends AbstractModule {

  @Override
  protected void configure() {
    Registries.tokenMixers(binder()).addBinding("attention").to(AttentionTokenMixer.Factory.class);
    Registries.tokenMixers(binder()).addBinding("mlp").to(MlpTokenMixer.Factory.class);
    Registries.tokenMixers(binder()).addBinding("linear").to(LinearTokenMixer.Factory.class);
    Registries.tokenMixers(binder()).addBinding("identity").to(RemovedTokenMixer.Factory.class);
    Registries.tokenMixers(binder()).addBinding("attention-pos")
        .to(PositionalAttentionTokenMixer.Factory.class);
    Registries.tokenMixers(binder()).addBinding("attention-grid")
        .to(GridTokenMixer.AttentionFactory.class);
    Registries.tokenMixers(binder()).addBinding("mlp-grid").to(GridTokenMixer.MlpFactory.class);
    Registries.channelMixers(binder()).addBinding("mlp").to(MlpChannelMixer.Factory.class);
    Registries.channelMixers(binder()).addBinding("feature-mlp")
        .to(FeatureMlpChannelMixer.Factory.class);
    Registries.channelMixers(binder()).addBinding("identity").to(RemovedChannelMixer.Factory.class);
  }
}
