package org.mambamixer.ablations.profile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.DeferredGradient;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.MixerRoute;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.ScanOutputs;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * A scan backend that clocks another: the time of its forward calls (the scan, or the fused mixer
 * where the backend has one) and of the deferred backwards those calls record, and the scan
 * elements (b, d, l, n) they cover. The kernels are Java code libtorch's profiler cannot see, so
 * the step profiler wraps the backend it builds with this instead of the model timing itself.
 * Times include the bridge's copies in and out of the engine. One training thread only.
 */
public final class TimedScan implements SelectiveScan {

  /** Running totals; differences of two snapshots time what ran between them. */
  public record Totals(long forwardWall, long forwardCpu, long backwardWall, long backwardCpu,
      long forwardCalls, long backwardCalls, long elements) {
    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

    /** What ran since {@code earlier}. */
    public Totals minus(Totals earlier) {
      return new Totals(forwardWall - earlier.forwardWall, forwardCpu - earlier.forwardCpu,
          backwardWall - earlier.backwardWall, backwardCpu - earlier.backwardCpu,
          forwardCalls - earlier.forwardCalls, backwardCalls - earlier.backwardCalls,
          elements - earlier.elements);
    }

    /** Both totals together. */
    public Totals plus(Totals other) {
      return new Totals(forwardWall + other.forwardWall, forwardCpu + other.forwardCpu,
          backwardWall + other.backwardWall, backwardCpu + other.backwardCpu,
          forwardCalls + other.forwardCalls, backwardCalls + other.backwardCalls,
          elements + other.elements);
    }
  }

  private final SelectiveScan backend;
  private Totals totals = Totals.ZERO;

  public TimedScan(SelectiveScan backend) {
    this.backend = backend;
  }

  /** Everything clocked so far. */
  public Totals totals() {
    return totals;
  }

  @Override
  public String name() {
    return backend.name();
  }

  @Override
  public ScanOutputs scan(ScanInputs in) {
    return forward(in.batch() * in.channels() * in.length() * in.stateSize(),
        () -> backend.scan(in));
  }

  /** As the backend's: the model cuts its graph as it would without the clock. */
  @Override
  public boolean defersGradients() {
    return backend.defersGradients();
  }

  @Override
  public Optional<FusedMixer> fusedMixer() {
    return backend.fusedMixer().map(fused -> (NDArray xz, List<MixerRoute> routes) -> {
      // xz (Bt, L, 2E); every route scans Bt x L x E x N elements, N from A_log (E, N).
      long[] s = xz.getShape().getShape();
      long elements = s[0] * s[1] * (s[2] / 2) * routes.get(0).aLog().getShape().get(1)
          * routes.size();
      return forward(elements, () -> fused.forward(xz, routes));
    });
  }

  private <T> T forward(long elements, Supplier<T> call) {
    long wall = System.nanoTime();
    long cpu = ProcessCpu.nanos();
    try {
      return Backprop.decorating(Timed::new, call);
    } finally {
      totals = totals.plus(new Totals(System.nanoTime() - wall, ProcessCpu.nanos() - cpu, 0, 0,
          1, 0, elements));
    }
  }

  /** A recorded backward, clocked. */
  private final class Timed implements DeferredGradient {
    private final DeferredGradient node;

    Timed(DeferredGradient node) {
      this.node = node;
    }

    @Override
    public NDList outputs() {
      return node.outputs();
    }

    @Override
    public NDList inputs() {
      return node.inputs();
    }

    @Override
    public NDList backward(NDList outputGradients) {
      long wall = System.nanoTime();
      long cpu = ProcessCpu.nanos();
      try {
        return node.backward(outputGradients);
      } finally {
        totals = totals.plus(new Totals(0, 0, System.nanoTime() - wall,
            ProcessCpu.nanos() - cpu, 0, 1, 0));
      }
    }
  }
}
