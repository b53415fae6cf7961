package org.mambamixer.api.block;

import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * The shape of a MambaMixer backbone and every choice in it, so it can be rebuilt from its config
 * alone.
 *
 * @param layers the number of MambaMixer layers (token mixer + channel mixer each)
 * @param mixers sizes and axes of the mixers
 * @param variants the token mixer, channel mixer, skip aggregation and norm, by registered name
 * @param innerResidual whether each sublayer adds its input (D9)
 */
public record BackboneConfig(int layers, MixerSpec mixers, MixerChoice variants,
    boolean innerResidual) {

  public BackboneConfig {
    if (layers <= 0) {
      throw new IllegalArgumentException("layers must be positive, got " + layers);
    }
    if (mixers == null || variants == null) {
      throw new IllegalArgumentException("mixers and variants are required");
    }
  }

  /** The project's defaults (D3-D9) for a (B, C, L, D) input. */
  public static BackboneConfig of(int layers, int dModel) {
    return new BackboneConfig(layers, MixerSpec.of(S6Config.mamba(dModel)), MixerChoice.DEFAULT,
        true);
  }

  public BackboneConfig withMixers(MixerSpec spec) {
    return new BackboneConfig(layers, spec, variants, innerResidual);
  }

  public BackboneConfig withVariants(MixerChoice choice) {
    return new BackboneConfig(layers, mixers, choice, innerResidual);
  }

  public BackboneConfig withTokenMixer(String name) {
    return withVariants(variants.withTokenMixer(name));
  }

  public BackboneConfig withSkip(String name) {
    return withVariants(variants.withSkip(name));
  }

  public BackboneConfig withInnerResidual(boolean on) {
    return new BackboneConfig(layers, mixers, variants, on);
  }

  public int dModel() {
    return mixers.dModel();
  }
}
