package org.mambamixer.ablations.variants;

import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * A two-layer MLP across the channel axis (the variates in TSM2): the paper's TSM2-MLP ablation
 * and TSMixer's variate mixer. Its weights are sized by the channel count, so a model built with it
 * serves one channel count (see {@link AxisMlp}).
 */
public final class MlpChannelMixer extends AxisMlp implements ChannelMixer {

  public MlpChannelMixer(MixerSpec spec) {
    super(spec.channelAxis(), spec.dModel(), MlpTokenMixer.EXPANSION);
  }

  /** {@code mlp} in the channel-mixer registry. */
  public static final class Factory implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new MlpChannelMixer(spec);
    }

    @Override
    public String description() {
      return "Linear(C->2C)-GELU-Linear(2C->C) across the channels (TSM2-MLP); tied to one"
          + " channel count";
    }
  }
}
