package org.mambamixer.runtime.cli;

import java.util.List;
import org.mambamixer.api.block.MixerChoice;
import picocli.CommandLine.Option;

/**
 * The variant switches every model command shares, spelled the same everywhere. Values are
 * registered names ({@code ./mambamixer variants}); an unknown one is a usage error that lists the
 * known names. Unset options keep the model preset's choice.
 */
public final class VariantOptions {
  @Option(names = "--token-mixer", paramLabel = "NAME",
      description = "token-mixer variant (default: the model's; see ./mambamixer variants)")
  String tokenMixer;

  @Option(names = "--channel-mixer", paramLabel = "NAME",
      description = "channel-mixer variant (default: the model's)")
  String channelMixer;

  @Option(names = "--skip", paramLabel = "NAME",
      description = "skip aggregation: learned, softmax, frozen, residual, ... (default: learned)")
  String skip;

  @Option(names = "--norm", paramLabel = "NAME", description = "sublayer pre-norm (default: layer)")
  String norm;

  /** The preset's choice with every option that was given applied over it. */
  public MixerChoice over(MixerChoice preset) {
    MixerChoice c = preset;
    if (tokenMixer != null) {
      c = c.withTokenMixer(tokenMixer);
    }
    if (channelMixer != null) {
      c = c.withChannelMixer(channelMixer);
    }
    if (skip != null) {
      c = c.withSkip(skip);
    }
    if (norm != null) {
      c = c.withNorm(norm);
    }
    return c;
  }

  /** The four switches as a config.json records them, at {@code path} (a {@code MixerChoice}). */
  public List<Setting> settings(String path) {
    return List.of(Setting.of("--token-mixer", path + ".tokenMixer", tokenMixer),
        Setting.of("--channel-mixer", path + ".channelMixer", channelMixer),
        Setting.of("--skip", path + ".skip", skip), Setting.of("--norm", path + ".norm", norm));
  }

  /** Whether any variant was chosen on the command line. */
  public boolean any() {
    return tokenMixer != null || channelMixer != null || skip != null || norm != null;
  }
}
