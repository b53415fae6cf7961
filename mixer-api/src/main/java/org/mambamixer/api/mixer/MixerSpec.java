package org.mambamixer.api.mixer;

import org.mambamixer.api.ssm.S6Config;

/**
 * What a mixer factory needs to know about the backbone it builds for. Scan routes are not here:
 * they belong to the variant ({@code selective} scans forward only, {@code
 * selective-bidirectional} both ways), so a config that names the variant names its routes.
 *
 * @param ssm sizes of the selective SSMs (d_model, E, N, conv, R)
 * @param tokenAxis the token axis of the backbone's input, e.g. 2 for (B, M, P, D)
 * @param channelAxis the channel axis of the backbone's input, e.g. 1 for (B, M, P, D)
 */
public record MixerSpec(S6Config ssm, int tokenAxis, int channelAxis) {

  public MixerSpec {
    if (ssm == null) {
      throw new IllegalArgumentException("ssm is required");
    }
    if (tokenAxis < 1 || channelAxis < 1 || tokenAxis == channelAxis) {
      throw new IllegalArgumentException("tokenAxis and channelAxis must be distinct axes >= 1, got "
          + tokenAxis + " and " + channelAxis);
    }
  }

  /** The paper's layout for a (B, C, L, D) input: tokens on axis 2, channels on axis 1. */
  public static MixerSpec of(S6Config ssm) {
    return new MixerSpec(ssm, 2, 1);
  }

  public int dModel() {
    return ssm.dModel();
  }
}
