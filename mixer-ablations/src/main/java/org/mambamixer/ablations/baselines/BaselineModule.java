package org.mambamixer.ablations.baselines;

import com.google.inject.AbstractModule;
import org.mambamixer.timeseries.model.ForecastModels;

/** The forecasting baselines of the paper's Table 5, by name for {@code forecast --model}. */
public final class BaselineModule extends AbstractModule {
  @Override
  protected void configure() {
    ForecastModels.registry(binder()).addBinding("dlinear").to(DLinear.Factory.class);
    ForecastModels.registry(binder()).addBinding("patchtst").to(MixerBaselines.PatchTst.class);
    ForecastModels.registry(binder()).addBinding("tsmixer").to(MixerBaselines.TsMixer.class);
  }
}
