package org.mambamixer.ablations.baselines;

import com.google.inject.AbstractModule;
import org.mambamixer.timeseries.model.ForecastModels;

/**
 * The forecasting baselines by name for {@code forecast --model}: TSMixer and DLinear as their
 * papers built them, PatchTST-style and {@code tsm2-mlp} on TSM2's pipeline.
 */
public final class BaselineModule extends AbstractModule {
  @Override
  protected void configure() {
    ForecastModels.registry(binder()).addBinding("dlinear").to(DLinear.Factory.class);
    ForecastModels.registry(binder()).addBinding("patchtst").to(MixerBaselines.PatchTst.class);
    ForecastModels.registry(binder()).addBinding("tsmixer").to(TsMixer.Factory.class);
    ForecastModels.registry(binder()).addBinding("tsm2-mlp").to(MixerBaselines.Tsm2Mlp.class);
  }
}
