package org.mambamixer.ablations.variants;

import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;

/** The token mixer removed (a {@link RemovedMixer}): each layer mixes across channels only. */
public final class RemovedTokenMixer extends RemovedMixer implements TokenMixer {

  /** {@code identity} in the token-mixer registry. */
  public static final class Factory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new RemovedTokenMixer();
    }

    @Override
    public String description() {
      return "removed: the sublayer passes its input through (needs the inner residual)";
    }
  }
}
