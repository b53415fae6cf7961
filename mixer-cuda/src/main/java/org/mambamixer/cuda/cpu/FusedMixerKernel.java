package org.mambamixer.cuda.cpu;

import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of a selective mixer between its in_proj and out_proj, fused on the CPU (spec D2, D3),
 * with a hand-written backward:
 *
 * <pre>
 *   xz (rows, L, 2E) = [x | z], read in place
 *   for each route r (its own token order, conv, x_proj, dt_proj, A, D):
 *     u     = silu(conv_r(x))                 (or x itself for a route without conv)
 *     dt_low, B, C = x_proj_r(u)              (R, N, N) per step
 *     dt    = softplus(dt_proj_r(dt_low) + b)
 *     h_s   = exp(dt_s A) h_{s-1} + dt_s B_s u_s,   y_r,s = C_s . h_s + D u_s
 *   out = (sum_r y_r) * silu(z)               (rows, L, E), in position order
 * </pre>
 *
 * <p>A row (one sequence) is the unit of all arithmetic: its conv, projections, scans and gate
 * run on per-thread scratch arrays of size L x E, so nothing of size (rows, L, E, N), and nothing
 * of the row's intermediates, outlives the row. The backward recomputes the row's forward from xz
 * (one more conv, projection and scan per route) instead of storing activations: the op saves only
 * its input. Channels are vectorised in tiles of 8 lanes ({@link VectorTileOps}'s exp and
 * softplus), so exp(dt A), the recurrence and C.h need no horizontal sums; sums over channels
 * (dB, dC, d dt_low) are kept lane-wise across a row's tiles and reduced once per step.
 *
 * <p>Rows are cut into at most {@value #MAX_UNITS} units by the shape alone; each unit adds its
 * rows' parameter gradients into a partial of its own, and the partials are added in unit order,
 * so every result is bitwise the same for any thread count. Many short rows (TSM2's variate mixer:
 * thousands of sequences of 7 steps) share one partial per unit: per-row work is only the row's
 * own steps.
 */
public final class FusedMixerKernel {
  /** Float lanes of one vector: channels are padded to a multiple of this. */
  static final int W = CpuScanKernel.TILE;
  /** The most work units a call is cut into; fixed, so sums never depend on the thread count. */
  static final int MAX_UNITS = 64;
  private static final float LOG2E = 1.4426950408889634f;

  /**
   * JVM flags that make C2 inline the vector helpers into every kernel loop. A helper that C2
   * compiled on its own first is no longer inlined into later callers (its code is then above
   * InlineSmallCode), and every vector crossing the call is boxed: measured, a TSM2 training step
   * allocated 32 GB in 6 steps and ran 1.8x slower (docs/kernels.md). The launcher, the test JVMs
   * and study cells pass them; a JVM without them runs correctly, only slower, and says so.
   */
  public static final List<String> JVM_FLAGS = List.of("-XX:CompileCommand=quiet",
      "-XX:CompileCommand=inline,org.mambamixer.cuda.cpu.VectorMath::*",
      "-XX:CompileCommand=inline,org.mambamixer.cuda.cpu.FusedMixerOps::at",
      "-XX:CompileCommand=inline,org.mambamixer.cuda.cpu.FusedMixerOps::of");
  private static final Logger LOG = LoggerFactory.getLogger(FusedMixerKernel.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /**
   * @param rows sequences
   * @param len L, steps per sequence
   * @param dInner E, channels
   * @param dState N
   * @param dtRank R
   * @param dConv k, the conv's taps (0: no conv)
   */
  public record Dims(int rows, int len, int dInner, int dState, int dtRank, int dConv) {
    public Dims {
      if (rows < 1 || len < 1 || dInner < 1 || dState < 1 || dtRank < 1 || dConv < 0) {
        throw new IllegalArgumentException("bad fused mixer dims " + this);
      }
    }

    int padded() {
      return (dInner + W - 1) / W * W;
    }

    int projWidth() {
      return dtRank + 2 * dState;
    }

    int projPadded() {
      return (projWidth() + W - 1) / W * W;
    }
  }

  /**
   * One route's weights in the engine's row-major layouts.
   *
   * @param order step s of the scan reads position {@code order[s]} before reversal (null: in
   *     position order); only a route without conv may have one
   * @param reverse scan the order from its last step to its first (the conv is then anti-causal)
   * @param convWeight (E, k), null without conv
   * @param convBias (E), null without conv
   * @param xProj (R + 2N, E)
   * @param dtWeight (E, R)
   * @param dtBias (E)
   * @param aLog (E, N), A = -exp(aLog)
   * @param dSkip (E)
   */
  public record Route(int[] order, boolean reverse, float[] convWeight, float[] convBias,
      float[] xProj, float[] dtWeight, float[] dtBias, float[] aLog, float[] dSkip) {}

  /** Gradients of one route's weights, in the layouts of {@link Route}. */
  public record RouteGrads(float[] convWeight, float[] convBias, float[] xProj, float[] dtWeight,
      float[] dtBias, float[] aLog, float[] dSkip) {}

  private final Workers workers;

  /** All available processors. */
  public FusedMixerKernel() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** @param threads worker threads (1 runs on the caller's thread) */
  public FusedMixerKernel(int threads) {
    // Fails with NoClassDefFoundError without --add-modules jdk.incubator.vector: the fused path
    // has no scalar twin, and its backend reports the missing flag.
    VectorTileOps.lanes();
    this.workers = new Workers(threads);
    if (!ManagementFactory.getRuntimeMXBean().getInputArguments().containsAll(JVM_FLAGS)
        && WARNED.compareAndSet(false, true)) {
      LOG.warn("fused mixer: this JVM was started without the inlining flags of"
          + " FusedMixerKernel.JVM_FLAGS (the ./mambamixer launcher passes them); expect about"
          + " half the speed");
    }
  }

  public int threads() {
    return workers.threads();
  }

  /**
   * What a recorded forward keeps for its backward, per route and row: dt after softplus, its
   * derivative, and the projections (dt_low, B, C); (rows, L, Ep) or (rows, L, P) floats each, in
   * buffers the caller allocates (the bridge reuses them from step to step). The backward then
   * recomputes only the conv and the scan. At TSM2's issue configuration this is 230 MB per step
   * and saves about a tenth of the backward (docs/kernels.md).
   */
  public static final class Saved {
    final FloatBuffer[] dt;
    final FloatBuffer[] dtSig;
    final FloatBuffer[] proj;

    /** @param alloc a buffer of the given number of floats */
    public Saved(Dims d, int routes, IntFunction<FloatBuffer> alloc) {
      int le = d.rows() * d.len() * d.padded();
      dt = new FloatBuffer[routes];
      dtSig = new FloatBuffer[routes];
      proj = new FloatBuffer[routes];
      for (int r = 0; r < routes; r++) {
        dt[r] = alloc.apply(le);
        dtSig[r] = alloc.apply(le);
        proj[r] = alloc.apply(d.rows() * d.len() * d.projPadded());
      }
    }

    /** Every buffer, so that the caller can reuse them once the backward has run. */
    public List<FloatBuffer> buffers() {
      List<FloatBuffer> all = new ArrayList<>(List.of(dt));
      all.addAll(List.of(dtSig));
      all.addAll(List.of(proj));
      return all;
    }
  }

  /** out (rows, L, E) from xz (rows, L, 2E); both buffers are indexed absolutely from 0. */
  public void forward(Dims d, List<Route> routes, FloatBuffer xz, FloatBuffer out) {
    forward(d, routes, xz, out, null);
  }

  /**
   * The forward; with {@code saved} (non-null), also what {@link #backward} can reuse instead of
   * recomputing, written into it.
   */
  public void forward(Dims d, List<Route> routes, FloatBuffer xz, FloatBuffer out, Saved saved) {
    Plan[] plans = plans(d, routes);
    boolean keep = saved != null;
    int per = rowsPerUnit(d.rows());
    workers.forEach(units(d.rows()), () -> new MixerScratch(d, false, 0), (s, unit) -> {
      for (int row = unit * per; row < Math.min(d.rows(), (unit + 1) * per); row++) {
        s.load(xz, row);
        s.clearSum();
        for (int r = 0; r < plans.length; r++) {
          FusedMixerOps.prepare(s, plans[r], keep);
          if (keep) {
            s.keep(saved.dt[r], saved.dtSig[r], saved.proj[r], row);
          }
          for (int tile = 0; tile < d.padded() / W; tile++) {
            FusedMixerOps.scan(s, plans[r], tile, false);
          }
        }
        FusedMixerOps.gate(s);
        s.storeOut(out, row);
      }
    });
  }

  /**
   * The gradient of xz into {@code dxz} (rows, L, 2E) and the routes' weight gradients, given the
   * output's gradient {@code gOut} (rows, L, E). Recomputes the forward row by row from xz, all
   * of it, or with {@code saved} (from a keeping forward of the same inputs) the conv and scan only.
   */
  public List<RouteGrads> backward(Dims d, List<Route> routes, FloatBuffer xz, FloatBuffer gOut,
      FloatBuffer dxz, Saved saved) {
    Plan[] plans = plans(d, routes);
    int per = rowsPerUnit(d.rows());
    int units = units(d.rows());
    int size = 0;
    for (Plan p : plans) {
      size += p.gradSize;
    }
    float[][] partials = new float[units][];
    int gradSize = size;
    workers.forEach(units, () -> new MixerScratch(d, true, gradSize), (s, unit) -> {
      s.newPartial();
      for (int row = unit * per; row < Math.min(d.rows(), (unit + 1) * per); row++) {
        s.load(xz, row);
        s.loadGradient(gOut, row);
        s.clearSum();
        FusedMixerOps.gateGradient(s);
        for (int r = 0; r < plans.length; r++) {
          Plan p = plans[r];
          if (saved == null) {
            FusedMixerOps.prepare(s, p, true);
          } else {
            s.restore(saved.dt[r], saved.dtSig[r], saved.proj[r], row);
            FusedMixerOps.conv(s, p);
          }
          s.clearRoute();
          for (int tile = 0; tile < d.padded() / W; tile++) {
            FusedMixerOps.scan(s, p, tile, true);
            FusedMixerOps.adjoint(s, p, tile);
          }
          FusedMixerOps.routeGradient(s, p);
        }
        FusedMixerOps.gateInputGradient(s);
        s.storeInputGradient(dxz, row);
      }
      partials[unit] = s.partial;
    });
    float[] total = new float[size];
    for (float[] part : partials) {
      for (int i = 0; i < size; i++) {
        total[i] += part[i];
      }
    }
    List<RouteGrads> grads = new ArrayList<>(plans.length);
    for (Plan p : plans) {
      grads.add(p.unpack(total));
    }
    return grads;
  }

  static int units(int rows) {
    return (rows + rowsPerUnit(rows) - 1) / rowsPerUnit(rows);
  }

  static int rowsPerUnit(int rows) {
    return (rows + MAX_UNITS - 1) / MAX_UNITS;
  }

  private static Plan[] plans(Dims d, List<Route> routes) {
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("a fused mixer needs at least one route");
    }
    Plan[] plans = new Plan[routes.size()];
    int offset = 0;
    for (int i = 0; i < plans.length; i++) {
      plans[i] = new Plan(d, routes.get(i), offset);
      offset += plans[i].gradSize;
    }
    return plans;
  }

  /**
   * One route's weights laid out once per call for the tile loops (channels padded to whole
   * tiles with zeros, which keep padded lanes at zero through every step), its step-to-position
   * map, and where its gradients sit in a unit's partial.
   */
  static final class Plan {
    final Dims d;
    final boolean reverse;
    /** Step s reads and writes position pos[s]. */
    final int[] pos;
    /** (k, Ep): tap i multiplies the conv input i steps back in scan order. */
    final float[] taps;
    final float[] convBias;
    /** (Ep, P): x_proj transposed, so a step's projections are vectors over outputs. */
    final float[] wxT;
    /** (R + 2N, Ep): x_proj, so its input gradient is a vector over channels. */
    final float[] wx;
    /** (R, Ep) */
    final float[] dtWT;
    final float[] dtBias;
    /** (N, Ep): A log2(e), for exp2. */
    final float[] aLog2;
    /** (N, Ep): A. */
    final float[] a;
    final float[] dSkip;
    // Offsets of this route's gradients in a partial: taps, conv bias, x_proj, dt weight (R, Ep),
    // dt bias, A (N, Ep), D.
    final int gTaps;
    final int gConvBias;
    final int gWx;
    final int gDtW;
    final int gDtBias;
    final int gA;
    final int gD;
    final int gradSize;

    Plan(Dims d, Route r, int offset) {
      this.d = d;
      int e = d.dInner();
      int ep = d.padded();
      int n = d.dState();
      int rank = d.dtRank();
      int k = d.dConv();
      int len = d.len();
      int pw = d.projWidth();
      int pp = d.projPadded();
      if (k > 0 && r.order() != null) {
        throw new IllegalArgumentException("a route with a conv scans in position order");
      }
      if (r.order() != null && r.order().length != len) {
        throw new IllegalArgumentException("route order has " + r.order().length + " steps, L = " + len);
      }
      reverse = r.reverse();
      pos = new int[len];
      for (int s = 0; s < len; s++) {
        int t = reverse ? len - 1 - s : s;
        pos[s] = r.order() == null ? t : r.order()[t];
      }
      taps = new float[k * ep];
      convBias = new float[ep];
      wxT = new float[ep * pp];
      wx = new float[pw * ep];
      dtWT = new float[rank * ep];
      dtBias = new float[ep];
      aLog2 = new float[n * ep];
      a = new float[n * ep];
      dSkip = new float[ep];
      for (int c = 0; c < e; c++) {
        for (int i = 0; i < k; i++) {
          taps[i * ep + c] = r.convWeight()[c * k + tapWeight(i, k)];
        }
        if (k > 0) {
          convBias[c] = r.convBias()[c];
        }
        for (int o = 0; o < pw; o++) {
          wxT[c * pp + o] = r.xProj()[o * e + c];
          wx[o * ep + c] = r.xProj()[o * e + c];
        }
        for (int j = 0; j < rank; j++) {
          dtWT[j * ep + c] = r.dtWeight()[c * rank + j];
        }
        dtBias[c] = r.dtBias()[c];
        for (int j = 0; j < n; j++) {
          float aj = (float) -Math.exp(r.aLog()[c * n + j]);
          a[j * ep + c] = aj;
          aLog2[j * ep + c] = aj * LOG2E;
        }
        dSkip[c] = r.dSkip()[c];
      }
      gTaps = offset;
      gConvBias = gTaps + k * ep;
      gWx = gConvBias + ep;
      gDtW = gWx + pw * ep;
      gDtBias = gDtW + rank * ep;
      gA = gDtBias + ep;
      gD = gA + n * ep;
      gradSize = gD + ep - offset;
    }

    /**
     * Which weight of the conv tap i is: the causal route's output at t reads x[t + j - (k-1)]
     * with weight j, the anti-causal (reversed) route's reads x[t + j] (S6's two convs), and i
     * counts scan steps back from the current one.
     */
    private int tapWeight(int i, int k) {
      return reverse ? i : k - 1 - i;
    }

    /** This route's gradients from the summed partials, back in the engine's layouts. */
    RouteGrads unpack(float[] g) {
      int e = d.dInner();
      int ep = d.padded();
      int n = d.dState();
      int rank = d.dtRank();
      int k = d.dConv();
      int pw = d.projWidth();
      float[] dConvW = k > 0 ? new float[e * k] : null;
      float[] dConvB = k > 0 ? new float[e] : null;
      float[] dWx = new float[pw * e];
      float[] dDtW = new float[e * rank];
      float[] dDtB = new float[e];
      float[] dALog = new float[e * n];
      float[] dD = new float[e];
      for (int c = 0; c < e; c++) {
        for (int i = 0; i < k; i++) {
          dConvW[c * k + tapWeight(i, k)] = g[gTaps + i * ep + c];
        }
        if (k > 0) {
          dConvB[c] = g[gConvBias + c];
        }
        for (int o = 0; o < pw; o++) {
          dWx[o * e + c] = g[gWx + o * ep + c];
        }
        for (int j = 0; j < rank; j++) {
          dDtW[c * rank + j] = g[gDtW + j * ep + c];
        }
        dDtB[c] = g[gDtBias + c];
        for (int j = 0; j < n; j++) {
          // dL/dA_log = dL/dA * dA/dA_log = dL/dA * A
          dALog[c * n + j] = g[gA + j * ep + c] * a[j * ep + c];
        }
        dD[c] = g[gD + c];
      }
      return new RouteGrads(dConvW, dConvB, dWx, dDtW, dDtB, dALog, dD);
    }
  }
}
