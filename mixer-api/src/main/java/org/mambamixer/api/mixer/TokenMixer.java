package org.mambamixer.api.mixer;

import ai.djl.nn.Block;

/**
 * Mixes information across tokens: maps an input of shape (B, ..., D) to the same shape, with the
 * tokens along the backbone's token axis. Implementations are DJL blocks, so training, parameter
 * saving and devices work unchanged.
 */
public interface TokenMixer extends Block {

  /** Builds the token mixer of one layer; bound in Guice, overridden by ablation modules. */
  @FunctionalInterface
  interface Factory {
    TokenMixer create(MixerSpec spec, int layer);
  }
}
