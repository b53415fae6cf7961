package org.mambamixer.timeseries.model;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;

/** The registry of forecasters by name ({@code --model}): {@code tsm2} and whatever others add. */
public final class ForecastModels {
  private ForecastModels() {}

  public static MapBinder<String, ForecastModel.Factory> registry(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, ForecastModel.Factory.class);
  }
}
