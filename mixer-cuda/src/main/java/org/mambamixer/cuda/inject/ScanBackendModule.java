package org.mambamixer.cuda.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * Overrides mixer-api's default scan (the reference) with the chosen backend. One module per
 * choice: the backend is built lazily, once per injector, so creating the module has no effect.
 */
public final class ScanBackendModule extends AbstractModule {
  private final ScanBackend backend;

  public ScanBackendModule(ScanBackend backend) {
    this.backend = backend;
  }

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), SelectiveScan.class).setBinding()
        .toProvider(backend::create).in(Singleton.class);
  }
}
