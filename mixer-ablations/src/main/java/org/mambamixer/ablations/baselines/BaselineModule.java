package org.mambamixer.ablations.baselines;

import com.google.inject.AbstractModule;
import org.mambamixer.timeseries.model.ForecastModels;

/**
 * The forecasting baselines by name for {@code forecast --model}: TSMixer, DLinear and PatchTST
 * as their papers built them, each with its paper's recipe; {@code tsm2-attention} and
 * {@code tsm2-mlp-mixers}, other mixers on TSM2's pipeline.
 */
public final class BaselineModule extends AbstractModule {
  @Override
  protected void configure() {
    ForecastModels.registry(binder()).addBinding("dlinear").to(DLinear.Factory.class);
    ForecastModels.registry(binder()).addBinding("patchtst").to(PatchTst.Factory.class);
    ForecastModels.registry(binder()).addBinding("tsm2-attention")
        .to(MixerBaselines.Tsm2Attention.class);
    ForecastModels.registry(binder()).addBinding("tsmixer").to(TsMixer.Factory.class);
    ForecastModels.registry(binder()).addBinding("tsm2-mlp-mixers")
        .to(MixerBaselines.Tsm2MlpMixers.class);
  }
}
