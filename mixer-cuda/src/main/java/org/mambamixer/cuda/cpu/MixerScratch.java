package org.mambamixer.cuda.cpu;

import static org.mambamixer.cuda.cpu.FusedMixerKernel.W;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One worker's scratch for {@link FusedMixerKernel}: one row (sequence) at a time, channels padded
 * to Ep (lanes past E stay zero for the whole call). Arrays named "position order" are indexed by
 * the token's place in the row, "step order" by the current route's scan step.
 */
final class MixerScratch {
  final FusedMixerKernel.Dims d;
  final int len;
  final int ep;
  final int n;
  final int pp;
  /** The row of xz (L, 2E), or of dxz on the way out. */
  final float[] xzRow;
  /** (L, Ep), position order. */
  final float[] x;
  final float[] z;
  /** Sum of the routes' y before the gate; (L, Ep), position order. */
  final float[] ySum;
  /** The conv's output before SiLU and u after it; (L, Ep), step order. */
  final float[] c;
  final float[] u;
  /** dt after softplus, and softplus' (the sigmoid of its input); (L, Ep), step order. */
  final float[] dt;
  final float[] dtSig;
  /** (L, P): dt_low, B, C of each step, padded to whole vectors. */
  final float[] proj;
  /** The scan state of one tile: (N, W). */
  final float[] h;

  // Backward only (null otherwise).
  /** Output gradient, and dy = g silu(z), and dx; (L, Ep), position order. */
  final float[] g;
  final float[] dy;
  final float[] dx;
  /** States after each step (hs[0] = 0) and exp(dt A) of one tile: (L + 1, N, W), (L, N, W). */
  final float[] hs;
  final float[] as;
  /** The adjoint of the state of one tile: (N, W). */
  final float[] lam;
  /** Lane-wise sums over the row's tiles of dB and dC terms: (L, 2N, W). */
  final float[] bcLanes;
  /** Gradients of dt (after softplus) and of u; (L, Ep), step order. */
  final float[] dDt;
  final float[] du;
  /** (L, P): gradients of dt_low, B, C. */
  final float[] dProj;
  /** This unit's weight gradients, every route's in turn (see FusedMixerKernel.Plan). */
  float[] partial;
  private final int gradSize;

  MixerScratch(FusedMixerKernel.Dims d, boolean backward, int gradSize) {
    this.d = d;
    this.len = d.len();
    this.ep = d.padded();
    this.n = d.dState();
    this.pp = d.projPadded();
    this.gradSize = gradSize;
    int le = len * ep;
    xzRow = new float[len * 2 * d.dInner()];
    x = new float[le];
    z = new float[le];
    ySum = new float[le];
    c = new float[le];
    u = new float[le];
    dt = new float[le];
    dtSig = new float[le]; // a keeping forward writes it too
    proj = new float[len * pp];
    h = new float[n * W];
    g = backward ? new float[le] : null;
    dy = backward ? new float[le] : null;
    dx = backward ? new float[le] : null;
    hs = backward ? new float[(len + 1) * n * W] : null;
    as = backward ? new float[len * n * W] : null;
    lam = backward ? new float[n * W] : null;
    bcLanes = backward ? new float[len * 2 * n * W] : null;
    dDt = backward ? new float[le] : null;
    du = backward ? new float[le] : null;
    dProj = backward ? new float[len * pp] : null;
  }

  /** A fresh partial for the next unit: units never share one. */
  void newPartial() {
    partial = new float[gradSize];
  }

  /** x and z of {@code row} from xz (rows, L, 2E): one bulk read, then split per position. */
  void load(FloatBuffer xz, int row) {
    int e = d.dInner();
    xz.get(row * xzRow.length, xzRow, 0, xzRow.length);
    for (int t = 0; t < len; t++) {
      System.arraycopy(xzRow, t * 2 * e, x, t * ep, e);
      System.arraycopy(xzRow, t * 2 * e + e, z, t * ep, e);
    }
  }

  /** The output gradient of {@code row} from (rows, L, E). */
  void loadGradient(FloatBuffer gOut, int row) {
    int e = d.dInner();
    if (e == ep) {
      gOut.get(row * len * e, g, 0, len * e);
      return;
    }
    for (int t = 0; t < len; t++) {
      gOut.get((row * len + t) * e, g, t * ep, e);
    }
  }

  void clearSum() {
    Arrays.fill(ySum, 0f);
    if (dx != null) {
      Arrays.fill(dx, 0f);
    }
  }

  /** Before a route's tiles: the lane-wise dB, dC sums start from zero. */
  void clearRoute() {
    Arrays.fill(bcLanes, 0f);
  }

  /** This row's dt, softplus' and projections of the current route into a keeping forward's arrays. */
  void keep(FloatBuffer dtAll, FloatBuffer sigAll, FloatBuffer projAll, int row) {
    dtAll.put(row * dt.length, dt, 0, dt.length);
    sigAll.put(row * dtSig.length, dtSig, 0, dtSig.length);
    projAll.put(row * proj.length, proj, 0, proj.length);
  }

  /** The reverse of {@link #keep}. */
  void restore(FloatBuffer dtAll, FloatBuffer sigAll, FloatBuffer projAll, int row) {
    dtAll.get(row * dt.length, dt, 0, dt.length);
    sigAll.get(row * dtSig.length, dtSig, 0, dtSig.length);
    projAll.get(row * proj.length, proj, 0, proj.length);
  }

  /** The gated output (in ySum) of {@code row} into out (rows, L, E). */
  void storeOut(FloatBuffer out, int row) {
    int e = d.dInner();
    if (e == ep) {
      out.put(row * len * e, ySum, 0, len * e);
      return;
    }
    for (int t = 0; t < len; t++) {
      out.put((row * len + t) * e, ySum, t * ep, e);
    }
  }

  /** dx and dz (in z) of {@code row} into dxz (rows, L, 2E). */
  void storeInputGradient(FloatBuffer dxz, int row) {
    int e = d.dInner();
    for (int t = 0; t < len; t++) {
      System.arraycopy(dx, t * ep, xzRow, t * 2 * e, e);
      System.arraycopy(z, t * ep, xzRow, t * 2 * e + e, e);
    }
    dxz.put(row * xzRow.length, xzRow, 0, xzRow.length);
  }
}
