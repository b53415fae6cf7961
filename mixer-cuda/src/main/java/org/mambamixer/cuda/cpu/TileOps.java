package org.mambamixer.cuda.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The arithmetic of one tile: the part that is either vectorised with {@code jdk.incubator.vector}
 * or, where that module is absent at run time, done lane by lane. Both follow the same step order,
 * so they differ only in rounding (the vector path uses a polynomial exp and FMAs).
 */
interface TileOps {

  /** "vector" or "scalar". */
  String name();

  /**
   * In place over {@code count} floats: x = softplus(x) with PyTorch's threshold (x above 20 is
   * kept), and sig = sigmoid(x) of the input when {@code sig} is not null.
   */
  void softplus(float[] x, float[] sig, int count);

  /** In place over {@code count} floats (a multiple of 8): x = exp(x), as the scan computes it. */
  void exp(float[] x, int count);

  /** Forward scan: reads h0 from {@code h}, writes y = C.h, the checkpoints and the last state. */
  void forward(TileJob j);

  /** In place: y = (y + D u) * silu(z), for whichever of D and z the tile has. */
  void gate(TileJob j);

  /**
   * Backward: reads the output gradient from {@code y} and a zeroed adjoint from {@code h}; writes
   * du, ddt, dz; accumulates dA, dD and this unit's dB, dC partials; leaves dh0 in {@code h}.
   */
  void backward(TileJob j);

  /** The fastest implementation this JVM can run, chosen once. */
  static TileOps best() {
    return Holder.BEST;
  }

  /** Lazy holder so the probe runs once and logs once. */
  final class Holder {
    private static final Logger LOG = LoggerFactory.getLogger(TileOps.class);
    static final TileOps BEST = probe();

    private Holder() {}

    private static TileOps probe() {
      try {
        // Touching FloatVector fails with NoClassDefFoundError without --add-modules jdk.incubator.vector.
        TileOps v = new VectorTileOps();
        LOG.debug("CPU selective scan: vector path ({} float lanes)", VectorTileOps.lanes());
        return v;
      } catch (Throwable e) {
        LOG.warn("CPU selective scan: scalar path, jdk.incubator.vector unavailable ({}); run the JVM"
            + " with --add-modules jdk.incubator.vector for the vector path", e.toString());
        return new ScalarTileOps();
      }
    }
  }
}
