package org.mambamixer.ablations.baselines;

import java.util.Optional;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * Baselines that are TSM2's pipeline (RevIN, patches, backbone, 2D norm, linear head) with other
 * mixers in the backbone, so the comparison isolates the mixers: built from the same plugins.
 */
public final class MixerBaselines {
  private MixerBaselines() {}

  /**
   * {@code patchtst}: PatchTST-style (Nie et al. 2023). Channel-independent patches, attention with
   * a learned positional embedding over the patches, the Transformer's feature MLP, plain
   * residual stack, on TSM2's pipeline; its encoder differs from the paper's (one head of width
   * 16, not four of 4; feature MLP 2D, not 128; LayerNorm, not BatchNorm; no dropout inside the
   * encoder; TSM2's 2-D norm before the head).
   */
  public static final class PatchTst implements ForecastModel.Factory {
    /**
     * PatchTST/42's ETTh1 settings (the authors' {@code scripts/PatchTST/etth1.sh}): lookback
     * 336, patch 16 / stride 8 with the end padded, d_model 16, 3 layers, dropout 0.3, Adam at
     * 1e-4, batch 128, 100 epochs, patience 100. The paper's rate is constant for 3 epochs, then
     * x 0.9 per epoch; here a cosine from 1e-4 to 0 over the 100 epochs.
     */
    static final ForecastRecipe RECIPE = new ForecastRecipe(336,
        c -> c.withModel(16, 3).withDropout(0.3f).withPatch(16, 8).withPadEnd(true),
        new TrainConfig(100, 128, 256, 1e-4f, 0f, 0, 0f, 100, 0, 2021));

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

    @Override
    public Optional<ForecastRecipe> recipe() {
      return Optional.of(RECIPE);
    }
  }

  /**
   * {@code tsm2-mlp}: TSM2's pipeline with an MLP over the patches and an MLP over the variates,
   * plain residual stack. Not TSMixer (that is {@link TsMixer}, on the raw time steps): it keeps
   * the patches, the embedding and the 2-D norm, and isolates what the mixers change.
   */
  public static final class Tsm2Mlp implements ForecastModel.Factory {
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
