package org.mambamixer.api.inject;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import org.mambamixer.api.block.Norm;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.ScanBackend;
import org.mambamixer.api.skip.SkipAggregation;

/**
 * The registries by name, one Guice {@link MapBinder} per kind of variant. A module contributes a
 * variant with one line, e.g. {@code Registries.tokenMixers(binder()).addBinding("mlp").to(...)};
 * {@link Variants} reads them back. The launcher's command registry lives with the CLI runtime.
 */
public final class Registries {
  private Registries() {}

  public static MapBinder<String, TokenMixer.Factory> tokenMixers(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, TokenMixer.Factory.class);
  }

  public static MapBinder<String, ChannelMixer.Factory> channelMixers(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, ChannelMixer.Factory.class);
  }

  public static MapBinder<String, SkipAggregation.Factory> skips(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, SkipAggregation.Factory.class);
  }

  public static MapBinder<String, Norm.Factory> norms(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, Norm.Factory.class);
  }

  public static MapBinder<String, ScanBackend> scans(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, ScanBackend.class);
  }
}
