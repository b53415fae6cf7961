package org.mambamixer.api.mixer;

import java.util.List;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;

/** The selective token mixer (spec §2, D3): a {@link SelectiveMixer} along the token axis. */
public final class SelectiveTokenMixer extends SelectiveMixer implements TokenMixer {
  public SelectiveTokenMixer(MixerSpec spec, List<ScanRoute> routes, SelectiveScan scan) {
    super(spec.ssm(), spec.tokenAxis(), routes, scan);
  }

  /** {@code selective}: one forward (causal) route, TSM2's time mixer as the paper's text has it. */
  public static final class Forward implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveTokenMixer(spec, List.of(ScanRoute.FORWARD), scan);
    }

    @Override
    public String description() {
      return "Mamba block along the tokens, forward (causal) scan only (D4)";
    }
  }

  /** {@code selective-bidirectional}: forward and backward routes, shared gate (the paper's Fig. 1/3). */
  public static final class Bidirectional implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new SelectiveTokenMixer(spec, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan);
    }

    @Override
    public String description() {
      return "Mamba block along the tokens, forward + backward scans, shared gate (Fig. 1/3)";
    }
  }
}
