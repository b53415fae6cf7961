package org.mambamixer.api.block;

import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * The shape of a MambaMixer backbone.
 *
 * @param layers the number of MambaMixer layers (token mixer + channel mixer each)
 * @param mixers sizes, axes and scan routes of the mixers
 * @param norm the pre-norm of each sublayer
 * @param innerResidual whether each sublayer adds its input (D9)
 */
public record BackboneConfig(int layers, MixerSpec mixers, NormKind norm, boolean innerResidual) {

  public BackboneConfig {
    if (layers <= 0) {
      throw new IllegalArgumentException("layers must be positive, got " + layers);
    }
    if (mixers == null || norm == null) {
      throw new IllegalArgumentException("mixers and norm are required");
    }
  }

  /** The project's defaults (D3-D9) for a (B, C, L, D) input. */
  public static BackboneConfig of(int layers, int dModel) {
    return new BackboneConfig(layers, MixerSpec.of(S6Config.mamba(dModel)), NormKind.LAYER, true);
  }

  public BackboneConfig withMixers(MixerSpec spec) {
    return new BackboneConfig(layers, spec, norm, innerResidual);
  }

  public BackboneConfig withNorm(NormKind kind) {
    return new BackboneConfig(layers, mixers, kind, innerResidual);
  }

  public BackboneConfig withInnerResidual(boolean on) {
    return new BackboneConfig(layers, mixers, norm, on);
  }

  public int dModel() {
    return mixers.dModel();
  }
}
