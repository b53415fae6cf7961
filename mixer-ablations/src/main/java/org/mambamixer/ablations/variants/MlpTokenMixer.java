package org.mambamixer.ablations.variants;

import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * MLP-Mixer's token mixing along the token axis: the ablation that swaps the selective scan for a
 * dense map over the tokens (ViM2-MLP's and TSMixer's time mixer). Its weights are sized by the
 * token count, so a model built with it serves one sequence length (see {@link AxisMlp}).
 */
public final class MlpTokenMixer extends AxisMlp implements TokenMixer {
  /** MLP-Mixer's hidden width: twice the mixed length. */
  public static final int EXPANSION = 2;

  public MlpTokenMixer(MixerSpec spec) {
    super(spec.tokenAxis(), spec.dModel(), EXPANSION);
  }

  /** {@code mlp} in the token-mixer registry. */
  public static final class Factory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new MlpTokenMixer(spec);
    }

    @Override
    public String description() {
      return "MLP-Mixer token mixing, Linear(L->2L)-GELU-Linear(2L->L); tied to one token count";
    }
  }
}
