package org.mambamixer.api.mixer;

import java.util.List;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * The selective channel mixer (spec §3, D6): a {@link SelectiveMixer} along the channel axis,
 * bidirectional in the paper's form because channels have no causal order.
 */
public final class SelectiveChannelMixer extends SelectiveMixer implements ChannelMixer {
  public SelectiveChannelMixer(MixerSpec spec, List<ScanRoute> routes, SelectiveScan scan) {
    super(spec.ssm(), spec.channelAxis(), routes, scan);
  }

  /** {@code selective-bidirectional}: the paper's channel mixer (D6). */
  public static final class Bidirectional implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveChannelMixer(spec, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan);
    }

    @Override
    public String description() {
      return "Mamba block across the channels, forward + backward scans, shared gate (D6)";
    }
  }

  /** {@code selective}: one forward route across the channels (D6's unidirectional ablation). */
  public static final class Forward implements ChannelMixer.Factory {
    @Override
    public ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveChannelMixer(spec, List.of(ScanRoute.FORWARD), scan);
    }

    @Override
    public String description() {
      return "Mamba block across the channels, forward scan only (D6 ablation)";
    }
  }
}
