package org.mambamixer.timeseries.model;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.api.inject.Variants;

/**
 * What a forecast run is built from: the forecasters by name ({@code --model}: {@code tsm2}, the
 * baselines other modules register) and the mixer variants they take.
 */
@Singleton
public final class ForecastCatalog {
  private final Variants variants;
  private final SortedMap<String, ForecastModel.Factory> models;

  @Inject
  public ForecastCatalog(Variants variants, Map<String, ForecastModel.Factory> models) {
    this.variants = variants;
    this.models = new TreeMap<>(models);
  }

  public Variants variants() {
    return variants;
  }

  /** The forecaster of that name; an unknown name lists the known ones. */
  public ForecastModel.Factory model(String name) {
    ForecastModel.Factory f = models.get(name);
    if (f == null) {
      throw new UnknownVariantException("forecast model", name, models.keySet());
    }
    return f;
  }

  /** Every forecaster by name with its description. */
  public SortedMap<String, String> models() {
    SortedMap<String, String> out = new TreeMap<>();
    models.forEach((n, f) -> out.put(n, f.description()));
    return out;
  }
}
