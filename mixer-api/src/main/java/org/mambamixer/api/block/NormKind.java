package org.mambamixer.api.block;

import ai.djl.nn.Block;

/** The pre-norm of each residual sublayer (D9). */
public enum NormKind {
  LAYER,
  RMS;

  /** A norm over the last (feature) axis. */
  public Block create(int features) {
    return switch (this) {
      case LAYER -> new FeatureLayerNorm(features, 1e-5f);
      case RMS -> new RmsNorm(features, 1e-5f);
    };
  }
}
