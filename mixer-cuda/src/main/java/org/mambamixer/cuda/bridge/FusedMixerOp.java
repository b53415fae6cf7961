package org.mambamixer.cuda.bridge;

import static org.mambamixer.cuda.bridge.EngineBuffers.buffer;
import static org.mambamixer.cuda.bridge.EngineBuffers.contiguous;
import static org.mambamixer.cuda.bridge.EngineBuffers.floats;
import static org.mambamixer.cuda.bridge.EngineBuffers.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.DeferredGradient;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.MixerRoute;
import org.mambamixer.cuda.cpu.FusedMixerKernel;

/**
 * {@link FusedMixerKernel} as a DJL {@link FusedMixer}. The kernel reads xz and writes its outputs
 * and gradients through the direct buffers of contiguous engine tensors: no float-array copy of
 * xz, z or the output is made; the deferred backward keeps xz (which the graph holds anyway), the
 * weights, and the per-step dt and projections the forward kept. Gradients reach the engine's graph as for {@link KernelScan}: the output is a
 * gradient leaf, and a {@link DeferredGradient} on the {@link Backprop} tape hands the kernel's
 * input gradients back.
 */
public final class FusedMixerOp implements FusedMixer {
  private final FusedMixerKernel kernel;
  private final Spare spare = new Spare();

  public FusedMixerOp(FusedMixerKernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public NDArray forward(NDArray xz, List<MixerRoute> routes) {
    FusedMixerKernel.Dims d = dims(xz, routes);
    NDArray flat = contiguous(xz); // (Bt * L * 2E), a view of xz when it is contiguous
    List<FusedMixerKernel.Route> weights = new ArrayList<>(routes.size());
    NDList inputs = new NDList(xz);
    for (MixerRoute r : routes) {
      weights.add(new FusedMixerKernel.Route(r.order(), r.reverse(), floats(r.convWeight()),
          floats(r.convBias()), floats(r.xProj()), floats(r.dtWeight()), floats(r.dtBias()),
          floats(r.aLog()), floats(r.dSkip())));
      inputs.addAll(java.util.Arrays.asList(r.convWeight(), r.convBias(), r.xProj(),
          r.dtWeight(), r.dtBias(), r.aLog(), r.dSkip()));
    }
    NDManager m = xz.getManager();
    NDArray out = m.create(new Shape(d.rows(), d.len(), d.dInner()), DataType.FLOAT32);
    boolean recording = Backprop.isRecording();
    FusedMixerKernel.Saved saved =
        recording ? new FusedMixerKernel.Saved(d, routes.size(), spare::take) : null;
    kernel.forward(d, weights, buffer(flat), buffer(out), saved);
    if (recording) {
      out.setRequiresGradient(true);
      Backprop.record(new Node(kernel, d, weights, saved, spare, flat, out, inputs));
    } else if (flat != xz) {
      flat.close();
    }
    return out;
  }

  /** Sizes from xz (Bt, L, 2E) and the first route's weights; every route must match them. */
  private static FusedMixerKernel.Dims dims(NDArray xz, List<MixerRoute> routes) {
    Shape s = xz.getShape();
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("a fused mixer needs at least one route");
    }
    MixerRoute r0 = routes.get(0);
    long e = r0.aLog().getShape().get(0);
    if (s.dimension() != 3 || s.get(2) != 2 * e) {
      throw new IllegalArgumentException("xz must have shape (Bt, L, 2E) = (*, *, " + 2 * e
          + ") but has " + s);
    }
    int k = r0.convWeight() == null ? 0 : (int) r0.convWeight().getShape().get(2);
    FusedMixerKernel.Dims d = new FusedMixerKernel.Dims(Math.toIntExact(s.get(0)),
        Math.toIntExact(s.get(1)), (int) e, (int) r0.aLog().getShape().get(1),
        (int) r0.dtWeight().getShape().get(1), k);
    for (MixerRoute r : routes) {
      int rk = r.convWeight() == null ? 0 : (int) r.convWeight().getShape().get(2);
      if (!r.aLog().getShape().equals(r0.aLog().getShape())
          || !r.xProj().getShape().equals(r0.xProj().getShape()) || rk != k) {
        throw new IllegalArgumentException("the routes of a fused mixer must have one size");
      }
    }
    return d;
  }

  /**
   * Arrays for what forwards keep, handed back after their backward and reused by the next step's
   * forwards of the same sizes. Fresh ones each step (230 MB at TSM2's issue configuration) grew
   * the heap (peak RSS 3.1 GB), and engine buffers cost their page faults every step (the step
   * 25 % slower).
   */
  private static final class Spare {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();

    synchronized FloatBuffer take(int n) {
      float[] a = free.computeIfAbsent(n, k -> new ArrayDeque<>()).poll();
      return FloatBuffer.wrap(a != null ? a : new float[n]);
    }

    synchronized void give(FusedMixerKernel.Saved saved) {
      for (FloatBuffer b : saved.buffers()) {
        free.computeIfAbsent(b.capacity(), k -> new ArrayDeque<>()).push(b.array());
      }
    }
  }

  /**
   * The deferred backward of one fused mixer: keeps xz (in place), the weights' values and what
   * the kernel's forward kept.
   */
  private record Node(FusedMixerKernel kernel, FusedMixerKernel.Dims d,
      List<FusedMixerKernel.Route> weights, FusedMixerKernel.Saved saved, Spare spare, NDArray xz,
      NDArray out, NDList inputs)
      implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(out);
    }

    @Override
    public NDList backward(NDList outputGradients) {
      NDManager m = out.getManager();
      NDArray g = contiguous(outputGradients.get(0));
      NDArray dxz = m.create(inputs.get(0).getShape(), DataType.FLOAT32);
      List<FusedMixerKernel.RouteGrads> grads =
          kernel.backward(d, weights, buffer(xz), buffer(g), buffer(dxz), saved);
      spare.give(saved);
      NDList result = new NDList(inputs.size());
      result.add(dxz);
      int i = 1;
      for (FusedMixerKernel.RouteGrads r : grads) {
        float[][] flat = {r.convWeight(), r.convBias(), r.xProj(), r.dtWeight(), r.dtBias(),
            r.aLog(), r.dSkip()};
        for (float[] f : flat) {
          NDArray x = inputs.get(i++);
          result.add(x == null || f == null ? null : tensor(m, f, x.getShape()));
        }
      }
      return result;
    }
  }
}
