package org.mambamixer.cuda.bridge;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.DeferredGradient;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.ScanOutputs;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * A {@link ScanKernel} as a DJL {@link SelectiveScan}. The engine cannot call the kernel's backward
 * (DJL has no custom autograd op), so when a graph is being recorded the output is made a gradient
 * leaf and a {@link DeferredGradient} is put on the {@link Backprop} tape: Backprop reads the
 * leaf's gradient after the engine's pass, runs the kernel backward, and injects the input
 * gradients into the graph that produced the inputs.
 */
public final class KernelScan implements SelectiveScan {
  private final ScanKernel kernel;

  public KernelScan(ScanKernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public String name() {
    return kernel.name();
  }

  @Override
  public boolean defersGradients() {
    return true;
  }

  @Override
  public ScanOutputs scan(ScanInputs in) {
    in.validateShapes(); // values are checked on the float copies, by ScanProblem
    int b = (int) in.batch();
    int d = (int) in.channels();
    int l = (int) in.length();
    int n = (int) in.stateSize();
    ScanProblem p = new ScanProblem(b, d, l, n, floats(in.u()), floats(in.delta()), floats(in.A()),
        floats(in.B()), floats(in.C()), floats(in.dSkip()), floats(in.z()), floats(in.deltaBias()),
        in.deltaSoftplus(), floats(in.initialState()), in.reverse());
    ScanKernel.Forward fwd = kernel.forward(p);
    NDManager m = in.u().getManager();
    NDArray out = tensor(m, fwd.out(), new Shape(b, d, l));
    // Order of the gradients a ScanKernel.Gradients holds.
    NDList inputs = new NDList(in.u(), in.delta(), in.A(), in.B(), in.C(), in.dSkip(), in.z(),
        in.deltaBias(), in.initialState());
    // Recording is decided by grad mode alone: DJL 0.36 reports requires_grad = false for
    // non-leaf results (e.g. u = tanh(x W)), so the inputs cannot tell whether a gradient is wanted.
    if (Backprop.isRecording()) {
      out.setRequiresGradient(true);
      Backprop.record(new Node(kernel, p, fwd, out, inputs));
    }
    return ScanOutputs.withLazyState(out, () -> tensor(m, fwd.lastState(), new Shape(b, d, n)));
  }

  /**
   * Contiguous float32 copy, or null for an absent optional input. One copy from the engine's
   * memory: {@code flatten} makes a strided view contiguous (a no-op view otherwise), and its
   * buffer is read in place; DJL's {@code toFloatArray} would copy through an extra byte array.
   */
  private static float[] floats(NDArray x) {
    if (x == null) {
      return null;
    }
    try (NDArray f = x.getDataType() == DataType.FLOAT32 ? x.flatten()
        : x.toType(DataType.FLOAT32, false).flatten()) {
      float[] r = new float[Math.toIntExact(f.size())];
      f.toByteBuffer(true).asFloatBuffer().get(r);
      return r;
    }
  }

  /**
   * {@code data} as a new engine tensor of {@code shape}. Written into memory the engine allocates,
   * so it is freed when the tensor is closed; {@code NDManager.create(float[])} would back it with
   * a Java direct buffer that only a garbage collection frees.
   */
  private static NDArray tensor(NDManager m, float[] data, Shape shape) {
    NDArray t = m.create(shape, DataType.FLOAT32);
    t.toByteBuffer(true).asFloatBuffer().put(data);
    return t;
  }

  /** The deferred backward of one scan call; keeps the float inputs and the forward's checkpoints. */
  private record Node(ScanKernel kernel, ScanProblem problem, ScanKernel.Forward saved, NDArray out,
      NDList inputs) implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(out);
    }

    @Override
    public NDList backward(NDList outputGradients) {
      NDArray g = outputGradients.get(0);
      float[] dout = floats(g);
      ScanKernel.Gradients gr = kernel.backward(problem, saved, dout);
      NDManager m = out.getManager();
      float[][] flat = {gr.du(), gr.ddelta(), gr.dA(), gr.dB(), gr.dC(), gr.dD(), gr.dz(),
          gr.dDeltaBias(), gr.dh0()};
      NDList result = new NDList(flat.length);
      for (int i = 0; i < flat.length; i++) {
        NDArray x = inputs.get(i);
        result.add(x == null || flat[i] == null ? null : tensor(m, flat[i], x.getShape()));
      }
      return result;
    }
  }
}
