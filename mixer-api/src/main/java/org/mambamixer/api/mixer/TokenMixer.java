package org.mambamixer.api.mixer;

import ai.djl.nn.Block;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * Mixes information across tokens: maps an input of shape (B, ..., D) to the same shape, with the
 * tokens along the backbone's token axis. Implementations are DJL blocks, so training, parameter
 * saving and devices work unchanged.
 */
public interface TokenMixer extends Block {

  /**
   * Builds the token mixer of one layer. Registered by name in the token-mixer registry
   * ({@code Registries.tokenMixers}); a run's config names the factory it used.
   */
  interface Factory {
    /**
     * @param spec sizes and axes of the backbone
     * @param layer the 1-based layer index
     * @param scan the selective-scan backend chosen for the run (ignored by mixers without scans)
     */
    TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan);

    /** One line for {@code ./mambamixer variants}. */
    String description();
  }
}
