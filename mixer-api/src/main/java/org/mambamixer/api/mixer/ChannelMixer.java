package org.mambamixer.api.mixer;

import ai.djl.nn.Block;

/**
 * Mixes information across channels (variates in TSM2): maps an input of shape (B, ..., D) to the
 * same shape, mixing along the backbone's channel axis.
 */
public interface ChannelMixer extends Block {

  /** Builds the channel mixer of one layer; bound in Guice, overridden by ablation modules. */
  @FunctionalInterface
  interface Factory {
    ChannelMixer create(MixerSpec spec, int layer);
  }
}
