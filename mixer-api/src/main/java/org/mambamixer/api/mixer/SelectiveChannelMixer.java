package org.mambamixer.api.mixer;

import org.mambamixer.api.scan.SelectiveScan;

/**
 * The selective channel mixer (spec §3, D6): a {@link SelectiveMixer} along the channel axis,
 * bidirectional by default because channels have no causal order.
 */
public final class SelectiveChannelMixer extends SelectiveMixer implements ChannelMixer {
  public SelectiveChannelMixer(MixerSpec spec, SelectiveScan scan) {
    super(spec.ssm(), spec.channelAxis(), spec.channelRoutes(), scan);
  }
}
