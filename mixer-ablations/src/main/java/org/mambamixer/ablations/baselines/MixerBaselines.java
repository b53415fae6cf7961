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
   * {@code patchtst}: PatchTST-style (Nie et al. 2023). Channel-independent patches, attention with
   * a learned positional embedding over the patches, the Transformer's feature MLP, plain
   * residual stack.
   */
  public static final class PatchTst implements ForecastModel.Factory {
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
      return "PatchTST-style: patches, attention over patches (+positions), feature MLP";
    }
  }

  /**
   * {@code tsmixer}: TSMixer-style (Chen et al. 2023). An MLP over time (here over patches) and an
   * MLP over the variates, plain residual stack.
   */
  public static final class TsMixer implements ForecastModel.Factory {
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
      return "TSMixer-style: MLP over time (patches) and MLP over variates";
    }
  }
}
