package org.mambamixer.api.inject;

import com.google.inject.AbstractModule;
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.block.Norm;
import org.mambamixer.api.block.RmsNorm;
import org.mambamixer.api.mixer.SelectiveChannelMixer;
import org.mambamixer.api.mixer.SelectiveTokenMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.FrozenAverage;
import org.mambamixer.api.skip.ResidualSkip;
import org.mambamixer.api.skip.SoftmaxAverage;
import org.mambamixer.api.skip.WeightedAverage;

/**
 * mixer-api's variants in the registries by name: the reference scan, the selective token and
 * channel mixers, the four skip aggregations and the two norms. Found by the launcher through
 * {@code META-INF/services/com.google.inject.Module} like every other module's.
 */
public final class MixerModule extends AbstractModule {

  @Override
  protected void configure() {
    Registries.scans(binder()).addBinding("reference").to(Reference.class);
    Registries.tokenMixers(binder()).addBinding("selective").to(SelectiveTokenMixer.Forward.class);
    Registries.tokenMixers(binder()).addBinding("selective-bidirectional")
        .to(SelectiveTokenMixer.Bidirectional.class);
    Registries.channelMixers(binder()).addBinding("selective-bidirectional")
        .to(SelectiveChannelMixer.Bidirectional.class);
    Registries.channelMixers(binder()).addBinding("selective")
        .to(SelectiveChannelMixer.Forward.class);
    Registries.skips(binder()).addBinding("learned").to(WeightedAverage.Factory.class);
    Registries.skips(binder()).addBinding("softmax").to(SoftmaxAverage.Factory.class);
    Registries.skips(binder()).addBinding("frozen").to(FrozenAverage.Factory.class);
    Registries.skips(binder()).addBinding("residual").to(ResidualSkip.Factory.class);
    Registries.norms(binder()).addBinding("layer").to(Layer.class);
    Registries.norms(binder()).addBinding("rms").to(Rms.class);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MixerModule; // installed once even when several modules ask for it
  }

  @Override
  public int hashCode() {
    return MixerModule.class.hashCode();
  }

  static final class Reference implements ScanBackend {
    @Override
    public SelectiveScan create() {
      return new ReferenceScan();
    }

    @Override
    public String description() {
      return "DJL ops with engine autograd: the semantic reference (exact, slow)";
    }
  }

  static final class Layer implements Norm.Factory {
    @Override
    public ai.djl.nn.Block create(int features) {
      return new FeatureLayerNorm(features, 1e-5f);
    }

    @Override
    public String description() {
      return "LayerNorm over the feature axis (D9 default)";
    }
  }

  static final class Rms implements Norm.Factory {
    @Override
    public ai.djl.nn.Block create(int features) {
      return new RmsNorm(features, 1e-5f);
    }

    @Override
    public String description() {
      return "RMSNorm over the feature axis (D9 ablation)";
    }
  }
}
