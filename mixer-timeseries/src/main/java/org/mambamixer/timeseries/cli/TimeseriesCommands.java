package org.mambamixer.timeseries.cli;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import org.mambamixer.api.cli.Command;

/** Contributes the forecasting commands to the launcher. */
public final class TimeseriesCommands extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, Command> commands =
        MapBinder.newMapBinder(binder(), String.class, Command.class);
    commands.addBinding("forecast").to(ForecastCommand.class);
    commands.addBinding("predict").to(PredictCommand.class);
    commands.addBinding("summary").to(SummaryCommand.class);
  }
}
