package org.mambamixer.api.block;

import jakarta.inject.Inject;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.skip.SkipAggregation;

/** Builds backbones from whichever mixers and skip aggregation the injector binds. */
public final class BackboneFactory {
  private final TokenMixer.Factory tokens;
  private final ChannelMixer.Factory channels;
  private final SkipAggregation.Factory skips;

  @Inject
  public BackboneFactory(TokenMixer.Factory tokens, ChannelMixer.Factory channels,
      SkipAggregation.Factory skips) {
    this.tokens = tokens;
    this.channels = channels;
    this.skips = skips;
  }

  public MambaMixerBackbone create(BackboneConfig config) {
    return new MambaMixerBackbone(config, tokens, channels, skips);
  }
}
