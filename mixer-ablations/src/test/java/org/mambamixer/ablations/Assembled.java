package org.mambamixer.ablations;

import com.google.inject.Guice;
import com.google.inject.Injector;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.Modules;

/** The injector the launcher builds (every module on the class path), for tests. */
public final class Assembled {
  private static final Injector INJECTOR = Guice.createInjector(Modules.discovered());

  private Assembled() {}

  public static Injector injector() {
    return INJECTOR;
  }

  public static Variants variants() {
    return INJECTOR.getInstance(Variants.class);
  }

  public static org.mambamixer.timeseries.model.ForecastCatalog catalog() {
    return INJECTOR.getInstance(org.mambamixer.timeseries.model.ForecastCatalog.class);
  }
}
