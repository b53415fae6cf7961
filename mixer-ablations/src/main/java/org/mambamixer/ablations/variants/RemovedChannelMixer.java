package org.mambamixer.ablations.variants;

import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.scan.SelectiveScan;

/** The channel mixer removed (a {@link RemovedMixer}): each layer mixes along tokens only. */
public final class RemovedChannelMixer extends RemovedMixer implements ChannelMixer {

  /** {@code identity} in the channel-mixer registry. */
  public static final class Factory implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new RemovedChannelMixer();
    }

    @Override
    public String description() {
      return "removed: the sublayer passes its input through (needs the inner residual)";
    }
  }
}
