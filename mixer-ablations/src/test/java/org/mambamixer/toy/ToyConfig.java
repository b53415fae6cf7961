package org.mambamixer.toy;

import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;
import org.mambamixer.runtime.train.ClassifierConfig;

/**
 * Everything a toy run records in its config.json: the model's shape, the variants by name, the
 * training budget (the runtime's warm-up + cosine budget) and the scan backend.
 *
 * @param length tokens per sequence
 * @param dModel model width
 * @param layers MambaMixer layers
 * @param variants the registered mixers and skip the backbone is built from
 * @param train the training budget ({@code train.*} in config.json, as in every command)
 * @param scan the scan backend's registered name
 */
public record ToyConfig(int length, int dModel, int layers, MixerChoice variants,
    ClassifierConfig train, String scan) {

  public ToyConfig {
    if (length <= 0 || dModel <= 0 || layers <= 0) {
      throw new IllegalArgumentException("length, dModel and layers must be positive, got "
          + length + ", " + dModel + ", " + layers);
    }
  }

  /** The backbone over (B, C = 1, L, D): tokens on axis 2, a size-1 channel axis. */
  BackboneConfig backbone() {
    return new BackboneConfig(layers, MixerSpec.of(S6Config.mamba(dModel).withDState(4)),
        variants, true);
  }
}
