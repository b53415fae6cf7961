package org.mambamixer.api.block;

import ai.djl.nn.Block;

/** The pre-norm of each residual sublayer (D9), registered by name ({@code layer}, {@code rms}). */
public final class Norm {
  private Norm() {}

  /** Builds a norm over the last (feature) axis. */
  public interface Factory {
    Block create(int features);

    /** One line for {@code ./mambamixer variants}. */
    String description();
  }
}
