package org.mambamixer.api.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.SelectiveChannelMixer;
import org.mambamixer.api.mixer.SelectiveTokenMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;
import org.mambamixer.api.skip.WeightedAverage;

/**
 * The defaults of the project's decisions as Guice bindings: the reference scan, the selective
 * token and channel mixers, and the learned weighted average. Each is an {@link OptionalBinder}
 * default, so a variant module replaces it with {@code setBinding()} rather than an {@code if}.
 */
public final class MixerModule extends AbstractModule {

  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), SelectiveScan.class)
        .setDefault().to(ReferenceScan.class);
    OptionalBinder.newOptionalBinder(binder(), TokenMixer.Factory.class)
        .setDefault().to(SelectiveTokens.class);
    OptionalBinder.newOptionalBinder(binder(), ChannelMixer.Factory.class)
        .setDefault().to(SelectiveChannels.class);
    OptionalBinder.newOptionalBinder(binder(), SkipAggregation.Factory.class)
        .setDefault().toInstance(layers -> new WeightedAverage(layers, WeightedAverage.Mode.LEARNED));
  }

  /** Selective token mixers on whichever scan backend is bound. */
  static final class SelectiveTokens implements TokenMixer.Factory {
    private final Provider<SelectiveScan> scan;

    @Inject
    SelectiveTokens(Provider<SelectiveScan> scan) {
      this.scan = scan;
    }

    @Override
    public TokenMixer create(MixerSpec spec, int layer) {
      return new SelectiveTokenMixer(spec, scan.get());
    }
  }

  /** Bidirectional selective channel mixers on whichever scan backend is bound. */
  static final class SelectiveChannels implements ChannelMixer.Factory {
    private final Provider<SelectiveScan> scan;

    @Inject
    SelectiveChannels(Provider<SelectiveScan> scan) {
      this.scan = scan;
    }

    @Override
    public ChannelMixer create(MixerSpec spec, int layer) {
      return new SelectiveChannelMixer(spec, scan.get());
    }
  }
}
