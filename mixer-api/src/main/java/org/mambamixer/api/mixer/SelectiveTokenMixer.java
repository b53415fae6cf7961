package org.mambamixer.api.mixer;

import org.mambamixer.api.scan.SelectiveScan;

/** The selective token mixer (spec §2): a {@link SelectiveMixer} along the token axis. */
public final class SelectiveTokenMixer extends SelectiveMixer implements TokenMixer {
  public SelectiveTokenMixer(MixerSpec spec, SelectiveScan scan) {
    super(spec.ssm(), spec.tokenAxis(), spec.tokenRoutes(), scan);
  }
}
