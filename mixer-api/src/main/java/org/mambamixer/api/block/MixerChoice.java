package org.mambamixer.api.block;

/**
 * The variants a backbone is built from, each by its registered name ({@code ./mambamixer
 * variants} lists them). Stored in every run's config, so a run can be rebuilt from it alone.
 *
 * @param tokenMixer the token-mixer variant (default {@code selective}: forward-only routes)
 * @param channelMixer the channel-mixer variant (default {@code selective-bidirectional})
 * @param skip the skip aggregation (default {@code learned}: the paper's weighted average)
 * @param norm the pre-norm of each sublayer (default {@code layer})
 */
public record MixerChoice(String tokenMixer, String channelMixer, String skip, String norm) {

  /** The paper's choices as the project reads them (D3-D9). */
  public static final MixerChoice DEFAULT =
      new MixerChoice("selective", "selective-bidirectional", "learned", "layer");

  public MixerChoice {
    requireName("tokenMixer", tokenMixer);
    requireName("channelMixer", channelMixer);
    requireName("skip", skip);
    requireName("norm", norm);
  }

  private static void requireName(String field, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(field + " must name a registered variant, got '" + name
          + "'");
    }
  }

  public MixerChoice withTokenMixer(String name) {
    return new MixerChoice(name, channelMixer, skip, norm);
  }

  public MixerChoice withChannelMixer(String name) {
    return new MixerChoice(tokenMixer, name, skip, norm);
  }

  public MixerChoice withSkip(String name) {
    return new MixerChoice(tokenMixer, channelMixer, name, norm);
  }

  public MixerChoice withNorm(String name) {
    return new MixerChoice(tokenMixer, channelMixer, skip, name);
  }
}
