package org.mambamixer.cuda.cpu;

import static org.mambamixer.cuda.cpu.TileJob.W;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Tile arithmetic on 8-lane float vectors (AVX2): one vector holds step t of the tile's channels,
 * so exp(dt A), the recurrence and y = C.h need no horizontal sums; only dB and dC (sums over
 * channels) reduce lanes. exp is a polynomial on vectors (docs/kernels.md), so the speed does not
 * depend on whether this JVM intrinsifies the Vector API's transcendental operators.
 */
final class VectorTileOps implements TileOps {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  VectorTileOps() {
    if (F.length() != W) {
      throw new IllegalStateException("expected " + W + " float lanes, species has " + F.length());
    }
  }

  static int lanes() {
    return F.length();
  }

  @Override
  public String name() {
    return "vector";
  }

  @Override
  public void exp(float[] x, int count) {
    for (int i = 0; i < count; i += W) {
      VectorMath.exp(FloatVector.fromArray(F, x, i)).intoArray(x, i);
    }
  }

  @Override
  public void softplus(float[] x, float[] sig, int count) {
    for (int i = 0; i < count; i += W) {
      FloatVector v = FloatVector.fromArray(F, x, i);
      if (sig != null) {
        VectorMath.softplus(v, x, sig, i);
      } else {
        VectorMath.softplus(v).intoArray(x, i);
      }
    }
  }

  @Override
  public void forward(TileJob j) {
    int len = j.len;
    int n = j.n;
    int nw = n * W;
    float[] h = j.h;
    for (int s = 0, c = 0; s < len; s++) {
      if (s % j.chunk == 0) {
        System.arraycopy(h, 0, j.ckpt, c++ * nw, nw);
      }
      int t = j.pos(s);
      FloatVector dt = FloatVector.fromArray(F, j.dt, t * W);
      FloatVector dtu = dt.mul(FloatVector.fromArray(F, j.u, t * W));
      FloatVector y = FloatVector.zero(F);
      int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
      for (int k = 0; k < n; k++) {
        FloatVector a = VectorMath.exp2(dt.mul(FloatVector.fromArray(F, j.aLog2, k * W)));
        FloatVector hk = a.fma(FloatVector.fromArray(F, h, k * W), dtu.mul(j.b[bc + k * len]));
        hk.intoArray(h, k * W);
        y = hk.fma(FloatVector.broadcast(F, j.c[bc + k * len]), y);
      }
      y.intoArray(j.y, t * W);
    }
  }

  @Override
  public void gate(TileJob j) {
    FloatVector d = FloatVector.fromArray(F, j.dSkip, 0);
    for (int i = 0; i < j.len * W; i += W) {
      FloatVector y = FloatVector.fromArray(F, j.y, i);
      if (j.hasSkip) {
        y = d.fma(FloatVector.fromArray(F, j.u, i), y);
      }
      if (j.hasZ) {
        FloatVector z = FloatVector.fromArray(F, j.z, i);
        y = y.mul(z).div(VectorMath.exp(z.neg()).add(1f));
      }
      y.intoArray(j.y, i);
    }
  }

  @Override
  public void backward(TileJob j) {
    // Split in two methods so each stays within C2's inlining budget: a Vector API call that is not
    // inlined boxes its vectors, which costs several times the arithmetic.
    for (int c = j.nChunks - 1; c >= 0; c--) {
      int s0 = c * j.chunk;
      int s1 = Math.min(j.len, s0 + j.chunk);
      recompute(j, c, s0, s1);
      adjoint(j, s0, s1);
    }
  }

  /** States and exp(dt A) of chunk c's steps, from its checkpoint, into hBuf, aBuf; C.h into yBuf. */
  private static void recompute(TileJob j, int c, int s0, int s1) {
    int n = j.n;
    int len = j.len;
    int nw = n * W;
    System.arraycopy(j.ckpt, c * nw, j.hBuf, 0, nw);
    for (int s = s0; s < s1; s++) {
      int t = j.pos(s);
      int i = s - s0;
      FloatVector dt = FloatVector.fromArray(F, j.dt, t * W);
      FloatVector dtu = dt.mul(FloatVector.fromArray(F, j.u, t * W));
      FloatVector y = FloatVector.zero(F);
      int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
      for (int k = 0; k < n; k++) {
        FloatVector a = VectorMath.exp2(dt.mul(FloatVector.fromArray(F, j.aLog2, k * W)));
        a.intoArray(j.aBuf, i * nw + k * W);
        FloatVector hk = a.fma(FloatVector.fromArray(F, j.hBuf, i * nw + k * W), dtu.mul(j.b[bc + k * len]));
        hk.intoArray(j.hBuf, (i + 1) * nw + k * W);
        y = hk.fma(FloatVector.broadcast(F, j.c[bc + k * len]), y);
      }
      y.intoArray(j.yBuf, i * W);
    }
  }

  /** Adjoint sweep over steps s1-1 .. s0: j.h holds lambda_{s+1} already multiplied by exp(dt_{s+1} A). */
  private static void adjoint(TileJob j, int s0, int s1) {
    int n = j.n;
    int len = j.len;
    int nw = n * W;
    FloatVector d = FloatVector.fromArray(F, j.dSkip, 0);
    FloatVector dDacc = FloatVector.fromArray(F, j.dD, 0);
    for (int s = s1 - 1; s >= s0; s--) {
      int t = j.pos(s);
      int i = s - s0;
      FloatVector u = FloatVector.fromArray(F, j.u, t * W);
      FloatVector dt = FloatVector.fromArray(F, j.dt, t * W);
      FloatVector g = FloatVector.fromArray(F, j.y, t * W);
      FloatVector dy = g;
      if (j.hasZ) {
        FloatVector y = FloatVector.fromArray(F, j.yBuf, i * W);
        if (j.hasSkip) {
          y = d.fma(u, y);
        }
        FloatVector z = FloatVector.fromArray(F, j.z, t * W);
        FloatVector sg = ONE.div(VectorMath.exp(z.neg()).add(1f));
        dy = g.mul(z.mul(sg));
        // d silu / dz = sg (1 + z (1 - sg))
        FloatVector dsilu = sg.mul(z.mul(ONE.sub(sg)).add(1f));
        g.mul(y).mul(dsilu).intoArray(j.dz, t * W);
      }
      dDacc = dy.fma(u, dDacc);
      FloatVector dtu = dt.mul(u);
      FloatVector sumLB = FloatVector.zero(F);
      FloatVector ddtA = FloatVector.zero(F);
      int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
      int pc = t * n;
      for (int k = 0; k < n; k++) {
        FloatVector lam = dy.fma(FloatVector.broadcast(F, j.c[bc + k * len]), FloatVector.fromArray(F, j.h, k * W));
        FloatVector hk = FloatVector.fromArray(F, j.hBuf, (i + 1) * nw + k * W);
        FloatVector hPrev = FloatVector.fromArray(F, j.hBuf, i * nw + k * W);
        FloatVector a = FloatVector.fromArray(F, j.aBuf, i * nw + k * W);
        j.dC[pc + k] += dy.mul(hk).reduceLanes(VectorOperators.ADD);
        j.dB[pc + k] += lam.mul(dtu).reduceLanes(VectorOperators.ADD);
        sumLB = lam.fma(FloatVector.broadcast(F, j.b[bc + k * len]), sumLB);
        FloatVector la = lam.mul(a); // lambda exp(dt A): the adjoint carried to step s-1
        FloatVector q = la.mul(hPrev);
        ddtA = q.fma(FloatVector.fromArray(F, j.aRaw, k * W), ddtA);
        q.fma(dt, FloatVector.fromArray(F, j.dA, k * W)).intoArray(j.dA, k * W);
        la.intoArray(j.h, k * W);
      }
      FloatVector du = dt.mul(sumLB);
      if (j.hasSkip) {
        du = d.fma(dy, du);
      }
      du.intoArray(j.du, t * W);
      u.fma(sumLB, ddtA).intoArray(j.ddt, t * W);
    }
    dDacc.intoArray(j.dD, 0);
  }
}
