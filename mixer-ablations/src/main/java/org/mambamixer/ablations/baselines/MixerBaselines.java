package org.mambamixer.ablations.baselines;

import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;

/**
 * Baselines that are TSM2's pipeline (RevIN, patches, backbone, 2D norm, linear head) with other
 * mixers in the backbone, so the comparison isolates the mixers: built from the same plugins.
 */
public final class MixerBaselines {
  private MixerBaselines() {}

  /**
   * {@code tsm2-attention}: TSM2's pipeline with attention over the patches (learned positions)
   * and the Transformer's feature MLP, plain residual stack: PatchTST-like mixers, not PatchTST
   * (that is {@link PatchTst}: heads of width 16 here, LayerNorm, no dropout inside the
   * layers, TSM2's 2-D norm before the head).
   */
  public static final class Tsm2Attention implements ForecastModel.Factory {
    @Override
    public MixerChoice variants() {
      return new MixerChoice("attention-pos", "feature-mlp", "residual", "layer");
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      return new Tsm2(config, variants, scan);
    }

    @Override
    public String description() {
      return "TSM2's pipeline with attention over the patches (+positions) and a feature MLP";
    }
  }

  /**
   * {@code tsm2-mlp-mixers}: TSM2's pipeline with an MLP over the patches and an MLP over the
   * variates, plain residual stack. Not TSMixer (that is {@link TsMixer}, on the raw time
   * steps): it keeps the patches, the embedding and the 2-D norm, and isolates what the mixers
   * change.
   */
  public static final class Tsm2MlpMixers implements ForecastModel.Factory {
    @Override
    public MixerChoice variants() {
      return new MixerChoice("mlp", "mlp", "residual", "layer");
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      return new Tsm2(config, variants, scan);
    }

    @Override
    public String description() {
      return "TSM2's pipeline with an MLP over the patches and an MLP over the variates";
    }
  }
}
