package org.mambamixer.api.ssm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.DeferredGradient;
import org.mambamixer.api.util.HostArrays;

/**
 * {@code u = silu(conv(x))}, the depthwise conv of a Mamba block and its activation, fused on float
 * arrays with its own backward (a {@link DeferredGradient} on the {@link Backprop} tape).
 *
 * <pre>
 *   x (Bt, L, E), w (E, 1, k), b (E)
 *   causal:       pre[t, e] = b[e] + sum_j w[e, j] x[t + j - (k - 1), e]     (zero outside 0..L-1)
 *   anti-causal:  pre[t, e] = b[e] + sum_j w[e, j] x[t + j, e]
 *   u = pre sigmoid(pre)
 * </pre>
 *
 * In the engine the same map takes k multiply-adds, k slices and a pad, each a pass over the
 * activation with a backward of two or three more; here it is one pass forward and one backward
 * (docs/benchmarks.md). The engine's grouped convolution is slower still in the backward.
 */
final class ConvSilu {
  private ConvSilu() {}

  /** u (Bt, L, E), float32 inputs only; records its backward while the engine records. */
  static NDArray apply(NDArray x, NDArray w, NDArray b, boolean reverse) {
    Shape s = x.getShape();
    int bt = Math.toIntExact(s.get(0));
    int len = Math.toIntExact(s.get(1));
    int e = Math.toIntExact(s.get(2));
    int k = Math.toIntExact(w.getShape().get(2));
    Dims d = new Dims(bt, len, e, k, reverse);
    float[] xs = HostArrays.floats(x);
    float[] ws = HostArrays.floats(w);
    float[] bs = HostArrays.floats(b);
    float[] u = new float[xs.length];
    d.preActivation(xs, ws, bs, u);
    for (int i = 0; i < u.length; i++) {
      u[i] = u[i] / (1f + (float) Math.exp(-u[i]));
    }
    NDManager m = x.getManager();
    NDArray out = HostArrays.tensor(m, u, s);
    if (Backprop.isRecording()) {
      out.setRequiresGradient(true);
      Backprop.record(new Node(d, xs, ws, bs, out, new NDList(x, w, b)));
    }
    return out;
  }

  /** Sizes and direction; the loops of the forward and backward. */
  private record Dims(int bt, int len, int e, int k, boolean reverse) {

    /** Offset of the first input step tap 0 reads, relative to the output step. */
    int shift() {
      return reverse ? 0 : -(k - 1);
    }

    /** pre = b + sum_j w_j * x shifted, into {@code pre}. */
    void preActivation(float[] x, float[] w, float[] b, float[] pre) {
      int shift = shift();
      for (int r = 0; r < bt; r++) {
        int row = r * len * e;
        for (int t = 0; t < len; t++) {
          int o = row + t * e;
          System.arraycopy(b, 0, pre, o, e);
          for (int j = 0; j < k; j++) {
            int src = t + j + shift;
            if (src < 0 || src >= len) {
              continue;
            }
            int xi = row + src * e;
            for (int c = 0; c < e; c++) {
              pre[o + c] += w[c * k + j] * x[xi + c];
            }
          }
        }
      }
    }
  }

  /** The deferred backward: keeps x (pre-activations are recomputed) and the parameters. */
  private record Node(Dims d, float[] x, float[] w, float[] b, NDArray out, NDList inputs)
      implements DeferredGradient {

    @Override
    public NDList outputs() {
      return new NDList(out);
    }

    @Override
    public NDList backward(NDList outputGradients) {
      float[] g = HostArrays.floats(outputGradients.get(0)); // (Bt, L, E), becomes d pre in place
      float[] pre = new float[x.length];
      d.preActivation(x, w, b, pre);
      for (int i = 0; i < g.length; i++) {
        float sg = 1f / (1f + (float) Math.exp(-pre[i]));
        g[i] *= sg * (1f + pre[i] * (1f - sg)); // d silu / d pre
      }
      int e = d.e();
      int k = d.k();
      int len = d.len();
      int shift = d.shift();
      float[] dx = new float[x.length];
      // Sums over (Bt, L) in double: tens of thousands of terms per channel.
      double[] dwT = new double[k * e]; // (k, E)
      double[] db = new double[e];
      float[] wT = new float[k * e]; // (k, E): tap j of every channel, contiguous over channels
      for (int c = 0; c < e; c++) {
        for (int j = 0; j < k; j++) {
          wT[j * e + c] = w[c * k + j];
        }
      }
      for (int r = 0; r < d.bt(); r++) {
        int row = r * len * e;
        for (int t = 0; t < len; t++) {
          int o = row + t * e;
          for (int c = 0; c < e; c++) {
            db[c] += g[o + c];
          }
          for (int j = 0; j < k; j++) {
            int src = t + j + shift;
            if (src < 0 || src >= len) {
              continue;
            }
            int xi = row + src * e;
            for (int c = 0; c < e; c++) {
              dx[xi + c] += wT[j * e + c] * g[o + c];
              dwT[j * e + c] += (double) x[xi + c] * g[o + c];
            }
          }
        }
      }
      NDManager m = out.getManager();
      return new NDList(HostArrays.tensor(m, dx, inputs.get(0).getShape()),
          HostArrays.tensor(m, weightGradient(dwT, e, k), inputs.get(1).getShape()),
          HostArrays.tensor(m, toFloats(db), inputs.get(2).getShape()));
    }
  }

  /** (k, E) sums to the weight's (E, 1, k) layout. */
  private static float[] weightGradient(double[] dwT, int e, int k) {
    float[] r = new float[e * k];
    for (int c = 0; c < e; c++) {
      for (int j = 0; j < k; j++) {
        r[c * k + j] = (float) dwT[j * e + c];
      }
    }
    return r;
  }

  private static float[] toFloats(double[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = (float) a[i];
    }
    return r;
  }
}
