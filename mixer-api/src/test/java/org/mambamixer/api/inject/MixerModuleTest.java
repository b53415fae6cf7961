package org.mambamixer.api.inject;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import org.junit.jupiter.api.Test;
import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.BackboneFactory;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;
import org.mambamixer.api.skip.WeightedAverage;

class MixerModuleTest {

  @Test
  void bindsTheProjectDefaults() {
    Injector injector = Guice.createInjector(new MixerModule());
    assertThat(injector.getInstance(SelectiveScan.class)).isInstanceOf(ReferenceScan.class);
    MambaMixerBackbone net =
        injector.getInstance(BackboneFactory.class).create(BackboneConfig.of(2, 16));
    assertThat(net.skip()).isInstanceOf(WeightedAverage.class);
    assertThat(((WeightedAverage) net.skip()).mode()).isEqualTo(WeightedAverage.Mode.LEARNED);
  }

  @Test
  void aVariantModuleOverridesByBindingNotByCondition() {
    Injector injector = Guice.createInjector(new MixerModule(), new AbstractModule() {
      @Override
      protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), SkipAggregation.Factory.class).setBinding()
            .toInstance(layers -> new WeightedAverage(layers, WeightedAverage.Mode.FROZEN));
      }
    });
    MambaMixerBackbone net =
        injector.getInstance(BackboneFactory.class).create(BackboneConfig.of(3, 16));
    assertThat(net.skip().scalarCount()).isZero();
  }
}
