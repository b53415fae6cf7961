package org.mambamixer.timeseries.cli;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;
import org.mambamixer.runtime.zoo.ZooTask;
import org.mambamixer.timeseries.model.ForecastModels;
import org.mambamixer.timeseries.model.Tsm2;
import org.mambamixer.timeseries.train.ForecastZooTask;

/**
 * mixer-timeseries' contribution to the launcher: the forecasting commands, TSM2 by name, and the
 * zoo task of published forecasters.
 */
public final class TimeseriesModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("forecast").to(ForecastCommand.class);
    Commands.registry(binder()).addBinding("predict").to(PredictCommand.class);
    Commands.registry(binder()).addBinding("summary").to(SummaryCommand.class);
    ForecastModels.registry(binder()).addBinding("tsm2").to(Tsm2.Factory.class);
    ZooTask.registry(binder()).addBinding("forecast").to(ForecastZooTask.class);
  }
}
