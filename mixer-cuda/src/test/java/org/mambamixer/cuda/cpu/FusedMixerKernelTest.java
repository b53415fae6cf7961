package org.mambamixer.cuda.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mambamixer.cuda.cpu.FusedMixerKernel.Dims;
import org.mambamixer.cuda.cpu.FusedMixerKernel.Route;
import org.mambamixer.cuda.cpu.FusedMixerKernel.RouteGrads;

/**
 * The fused mixer kernel on its own: its gradients against central finite differences of its own
 * forward, and every output and gradient bitwise the same for any thread count, whether the
 * backward reuses what the forward kept or recomputes it. Two problems: a
 * conv with a causal and an anti-causal route (E not a multiple of 8, so padded lanes take part),
 * and ViM2's kind, no conv with column-major orders forward and reversed.
 */
class FusedMixerKernelTest {

  /** Sizes, routes and the data of one problem, made from a seed. */
  private record Problem(Dims d, List<Route> routes, float[] xz, float[] w) {
    static Problem of(int seed, int rows, int len, int e, int n, int rank, int k, boolean orders) {
      Random r = new Random(seed);
      Dims d = new Dims(rows, len, e, n, rank, k);
      List<Route> routes = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int[] order = null;
        if (orders) { // a 'grid' of len = 2 x (len / 2), read column by column
          int h = 2;
          int wd = len / h;
          order = new int[len];
          for (int t = 0; t < len; t++) {
            order[t] = (t % h) * wd + t / h;
          }
        }
        float[] aLog = new float[e * n];
        for (int c = 0; c < e; c++) {
          for (int j = 0; j < n; j++) {
            aLog[c * n + j] = (float) Math.log(j + 1) + 0.1f * (float) r.nextGaussian();
          }
        }
        routes.add(new Route(order, i == 1, k > 0 ? gauss(r, e * k, 0.5) : null,
            k > 0 ? gauss(r, e, 0.2) : null, gauss(r, (rank + 2 * n) * e, 0.3),
            gauss(r, e * rank, 0.5), gauss(r, e, 0.5), aLog, gauss(r, e, 1)));
      }
      return new Problem(d, routes, gauss(r, rows * len * 2 * e, 1), gauss(r, rows * len * e, 1));
    }

    /** sum(out * w), in double. */
    double loss(FusedMixerKernel kernel) {
      float[] out = new float[w.length];
      kernel.forward(d, routes, FloatBuffer.wrap(xz), FloatBuffer.wrap(out));
      double l = 0;
      for (int i = 0; i < out.length; i++) {
        l += (double) out[i] * w[i];
      }
      return l;
    }

    /**
     * dxz, then every route's weight gradients in Route's order; from what the forward kept, or
     * recomputing everything.
     */
    List<float[]> gradients(FusedMixerKernel kernel, float[] out, boolean kept) {
      FusedMixerKernel.Saved saved = kept
          ? new FusedMixerKernel.Saved(d, routes.size(), FloatBuffer::allocate) : null;
      kernel.forward(d, routes, FloatBuffer.wrap(xz), FloatBuffer.wrap(out), saved);
      float[] dxz = new float[xz.length];
      List<RouteGrads> g = kernel.backward(d, routes, FloatBuffer.wrap(xz), FloatBuffer.wrap(w),
          FloatBuffer.wrap(dxz), saved);
      List<float[]> all = new ArrayList<>();
      all.add(dxz);
      for (RouteGrads rg : g) {
        all.addAll(Arrays.asList(rg.convWeight(), rg.convBias(), rg.xProj(), rg.dtWeight(),
            rg.dtBias(), rg.aLog(), rg.dSkip()));
      }
      return all;
    }

    /** The same arrays as {@link #gradients}, as the values they are the gradients of. */
    List<float[]> values() {
      List<float[]> all = new ArrayList<>();
      all.add(xz);
      for (Route rt : routes) {
        all.addAll(Arrays.asList(rt.convWeight(), rt.convBias(), rt.xProj(), rt.dtWeight(),
            rt.dtBias(), rt.aLog(), rt.dSkip()));
      }
      return all;
    }
  }

  private static float[] gauss(Random r, int n, double scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * scale);
    }
    return a;
  }

  private static final List<Problem> PROBLEMS = List.of(
      Problem.of(3, 3, 6, 10, 3, 2, 3, false),
      Problem.of(4, 2, 6, 8, 4, 1, 0, true));

  @Test
  void gradientsMatchCentralDifferences() {
    FusedMixerKernel kernel = new FusedMixerKernel(1);
    Random pick = new Random(9);
    for (Problem p : PROBLEMS) {
      List<float[]> grads = p.gradients(kernel, new float[p.w().length], true);
      List<float[]> values = p.values();
      for (int a = 0; a < values.size(); a++) {
        float[] v = values.get(a);
        if (v == null) {
          assertThat(grads.get(a)).isNull();
          continue;
        }
        float scale = 0;
        for (float g : grads.get(a)) {
          scale = Math.max(scale, Math.abs(g));
        }
        assertThat(scale).as("gradient %d of %s is not all zero", a, p.d()).isPositive();
        for (int t = 0; t < 6; t++) {
          int i = pick.nextInt(v.length);
          float keep = v[i];
          double h = 1e-2;
          v[i] = (float) (keep + h);
          double up = p.loss(kernel);
          v[i] = (float) (keep - h);
          double down = p.loss(kernel);
          v[i] = keep;
          double numeric = (up - down) / (2 * h);
          assertThat(Math.abs(grads.get(a)[i] - numeric))
              .as("array %d element %d of %s: analytic %s, numeric %s", a, i, p.d(),
                  grads.get(a)[i], numeric)
              .isLessThanOrEqualTo(2e-2 * Math.max(scale, Math.abs(numeric)));
        }
      }
    }
  }

  @Test
  void resultsAreBitwiseTheSameForAnyThreadCountAndWithKeptValues() {
    for (Problem small : PROBLEMS) {
      // Enough rows for several rows per unit, so that units really split the sums.
      Problem p = Problem.of(7, 150, small.d().len(), small.d().dInner(), small.d().dState(),
          small.d().dtRank(), small.d().dConv(), small.routes().get(0).order() != null);
      float[] out1 = new float[p.w().length];
      List<float[]> one = p.gradients(new FusedMixerKernel(1), out1, false);
      for (int threads : new int[] {1, 2, 3, 5}) {
        float[] out = new float[p.w().length];
        List<float[]> g = p.gradients(new FusedMixerKernel(threads), out, true);
        assertThat(out).as("out, %d threads", threads).isEqualTo(out1);
        for (int i = 0; i < one.size(); i++) {
          assertThat(g.get(i)).as("gradient %d, %d threads", i, threads).isEqualTo(one.get(i));
        }
      }
    }
  }
}
