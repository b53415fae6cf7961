package org.mambamixer.timeseries.cli;

import com.google.inject.AbstractModule;
import org.mambamixer.runtime.cli.Commands;

/** mixer-timeseries' contribution to the launcher: the forecasting commands. */
public final class TimeseriesModule extends AbstractModule {
  @Override
  protected void configure() {
    Commands.registry(binder()).addBinding("forecast").to(ForecastCommand.class);
    Commands.registry(binder()).addBinding("predict").to(PredictCommand.class);
    Commands.registry(binder()).addBinding("summary").to(SummaryCommand.class);
  }
}
