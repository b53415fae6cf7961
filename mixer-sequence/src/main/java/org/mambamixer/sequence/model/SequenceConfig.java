package org.mambamixer.sequence.model;

import static org.mambamixer.api.util.Tensors.requirePositive;

import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * The shape of a sequence classifier and every choice in it, so a run rebuilds it from its config.
 *
 * @param length L, tokens per sequence
 * @param perToken P, input values per token (pixels of one token)
 * @param classes K
 * @param dModel D
 * @param layers MambaMixer layers
 * @param dState N of every S6
 * @param expand E / D of every S6
 * @param dConv conv width of every S6 (0: none)
 * @param variants token mixer, channel mixer, skip and norm by registered name
 */
public record SequenceConfig(int length, int perToken, int classes, int dModel, int layers,
    int dState, int expand, int dConv, MixerChoice variants) {

  /**
   * The paper's choices: a causal (forward) selective scan over time, the bidirectional selective
   * channel mixer (over the size-1 channel axis: a gated map of each token's features), the
   * learned skip and LayerNorm. Every name is mixer-api's, so the module runs on its own.
   */
  public static final MixerChoice DEFAULT_VARIANTS = MixerChoice.DEFAULT;

  public SequenceConfig {
    requirePositive("length", length);
    requirePositive("perToken", perToken);
    requirePositive("classes", classes);
    requirePositive("dModel", dModel);
    requirePositive("layers", layers);
    requirePositive("dState", dState);
    requirePositive("expand", expand);
    if (dConv < 0) {
      throw new IllegalArgumentException("dConv must be >= 0, got " + dConv);
    }
    if (variants == null) {
      throw new IllegalArgumentException("variants are required");
    }
  }

  /** A small model that trains on two CPU cores: D = 32, 2 layers, N = 16, E = 2, conv 4. */
  public static SequenceConfig small(int length, int perToken, int classes) {
    return new SequenceConfig(length, perToken, classes, 32, 2, 16, 2, 4, DEFAULT_VARIANTS);
  }

  /**
   * The backbone over a (B, C = 1, L, D) input: the token axis is 2 (time), the channel axis 1
   * holds the image's single channel, so any channel mixer (which mixes along axis 1 only) sees
   * one token at a time.
   */
  public BackboneConfig backbone() {
    S6Config ssm = S6Config.mamba(dModel).withDState(dState).withExpand(expand).withDConv(dConv);
    return new BackboneConfig(layers, MixerSpec.of(ssm), variants, true);
  }

  public SequenceConfig withModel(int d, int l, int n) {
    return new SequenceConfig(length, perToken, classes, d, l, n, expand, dConv, variants);
  }

  public SequenceConfig withVariants(MixerChoice choice) {
    return new SequenceConfig(length, perToken, classes, dModel, layers, dState, expand, dConv,
        choice);
  }
}
