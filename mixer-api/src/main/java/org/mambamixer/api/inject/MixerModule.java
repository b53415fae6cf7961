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
import org.mambamixer.api.skip.SkipAggregation;
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
    Registries.skips(binder()).addBinding("learned").to(Learned.class);
    Registries.skips(binder()).addBinding("softmax").to(Softmax.class);
    Registries.skips(binder()).addBinding("frozen").to(Frozen.class);
    Registries.skips(binder()).addBinding("residual").to(Residual.class);
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

  static final class Learned implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new WeightedAverage(layers);
    }

    @Override
    public String description() {
      return "learned weighted average of all earlier outputs, identity init (the paper, D8)";
    }
  }

  static final class Softmax implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new SoftmaxAverage(layers);
    }

    @Override
    public String description() {
      return "softmax-normalised learned weights, uniform init (D8 ablation)";
    }
  }

  static final class Frozen implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new FrozenAverage(layers);
    }

    @Override
    public String description() {
      return "fixed uniform mean of all earlier outputs, nothing learned (D8 ablation)";
    }
  }

  static final class Residual implements SkipAggregation.Factory {
    @Override
    public SkipAggregation create(int layers) {
      return new ResidualSkip(layers);
    }

    @Override
    public String description() {
      return "no averaging: a plain stack of residual sublayers (D8 'off')";
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
