package org.mambamixer.api.mixer;

import ai.djl.nn.Block;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * Mixes information across channels (variates in TSM2): maps an input of shape (B, ..., D) to the
 * same shape, mixing along the backbone's channel axis.
 */
public interface ChannelMixer extends Block {

  /**
   * Builds the channel mixer of one layer. Registered by name in the channel-mixer registry
   * ({@code Registries.channelMixers}).
   */
  interface Factory {
    /**
     * @param spec sizes and axes of the backbone
     * @param layer the 1-based layer index
     * @param scan the selective-scan backend chosen for the run (ignored by mixers without scans)
     */
    ChannelMixer create(MixerSpec spec, int layer, SelectiveScan scan);

    /** One line for {@code ./mambamixer variants}. */
    String description();
  }
}
