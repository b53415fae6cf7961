package org.mambamixer.cuda.cpu;

import static org.mambamixer.cuda.cpu.FusedMixerKernel.W;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mambamixer.cuda.cpu.FusedMixerKernel.Plan;

/**
 * The arithmetic of {@link FusedMixerKernel} on one row, in 8-lane vectors over channels. Each
 * stage is a method of its own: C2 inlines a method's Vector API calls only within its budget,
 * and a call that is not inlined boxes its vectors (docs/kernels.md).
 *
 * <p>Shapes in comments: L steps, Ep padded channels, N states, R = dt rank, P padded projection
 * width (R + 2N rounded up to whole vectors).
 */
final class FusedMixerOps {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  private FusedMixerOps() {}

  private static FloatVector at(float[] a, int i) {
    return FloatVector.fromArray(F, a, i);
  }

  private static FloatVector of(float v) {
    return FloatVector.broadcast(F, v);
  }

  /** u, B, C and dt of the route's steps: conv + SiLU, x_proj, dt_proj + softplus. */
  static void prepare(MixerScratch s, Plan p, boolean backward) {
    conv(s, p);
    project(s, p);
    delta(s, p, backward);
  }

  /** c = conv(x) in step order (L, Ep) and u = silu(c); without conv u is x in step order. */
  static void conv(MixerScratch s, Plan p) {
    int ep = s.ep;
    int k = s.d.dConv();
    if (k == 0) {
      for (int st = 0; st < s.len; st++) {
        System.arraycopy(s.x, p.pos[st] * ep, s.u, st * ep, ep);
      }
      return;
    }
    for (int st = 0; st < s.len; st++) {
      int taps = Math.min(k, st + 1);
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector acc = at(p.convBias, e0);
        for (int i = 0; i < taps; i++) {
          acc = at(p.taps, i * ep + e0).fma(at(s.x, p.pos[st - i] * ep + e0), acc);
        }
        acc.intoArray(s.c, st * ep + e0);
        acc.mul(VectorMath.sigmoid(acc)).intoArray(s.u, st * ep + e0);
      }
    }
  }

  /**
   * proj (L, P) = u (L, E) x_proj^T: vectors over outputs, four at a time so that each broadcast
   * of u serves four FMAs.
   */
  private static void project(MixerScratch s, Plan p) {
    int e = s.d.dInner();
    int ep = s.ep;
    int pp = s.pp;
    for (int st = 0; st < s.len; st++) {
      int uo = st * ep;
      int o0 = 0;
      for (; o0 + 4 * W <= pp; o0 += 4 * W) {
        project4(s, p, e, uo, st * pp + o0, o0);
      }
      for (; o0 < pp; o0 += W) {
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < e; c++) {
          acc = at(p.wxT, c * pp + o0).fma(of(s.u[uo + c]), acc);
        }
        acc.intoArray(s.proj, st * pp + o0);
      }
    }
  }

  private static void project4(MixerScratch s, Plan p, int e, int uo, int out, int o0) {
    int pp = s.pp;
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    for (int c = 0; c < e; c++) {
      FloatVector u = of(s.u[uo + c]);
      int w = c * pp + o0;
      a0 = at(p.wxT, w).fma(u, a0);
      a1 = at(p.wxT, w + W).fma(u, a1);
      a2 = at(p.wxT, w + 2 * W).fma(u, a2);
      a3 = at(p.wxT, w + 3 * W).fma(u, a3);
    }
    a0.intoArray(s.proj, out);
    a1.intoArray(s.proj, out + W);
    a2.intoArray(s.proj, out + 2 * W);
    a3.intoArray(s.proj, out + 3 * W);
  }

  /** dt (L, Ep) = softplus(dt_low dt_proj^T + b); the backward also keeps softplus'. */
  private static void delta(MixerScratch s, Plan p, boolean backward) {
    int ep = s.ep;
    int rank = s.d.dtRank();
    for (int st = 0; st < s.len; st++) {
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector acc = at(p.dtBias, e0);
        for (int j = 0; j < rank; j++) {
          acc = at(p.dtWT, j * ep + e0).fma(of(s.proj[st * s.pp + j]), acc);
        }
        if (backward) {
          VectorMath.softplus(acc, s.dt, s.dtSig, st * ep + e0);
        } else {
          VectorMath.softplus(acc).intoArray(s.dt, st * ep + e0);
        }
      }
    }
  }

  /**
   * The scan of one tile of channels; y + D u added into ySum at each step's position. With
   * {@code keepStates} (the backward's recomputation) every state and exp(dt A) of the tile is
   * kept in hs and as for the adjoint sweep; hs[0] is h_0 = 0 and never written.
   */
  static void scan(MixerScratch s, Plan p, int tile, boolean keepStates) {
    int e0 = tile * W;
    int n = s.n;
    int nw = n * W;
    int ep = s.ep;
    int pp = s.pp;
    int rank = s.d.dtRank();
    float[] h = keepStates ? s.hs : s.h;
    if (!keepStates) {
      Arrays.fill(h, 0f);
    }
    FloatVector dSkip = at(p.dSkip, e0);
    for (int st = 0; st < s.len; st++) {
      int hIn = keepStates ? st * nw : 0;
      int hOut = keepStates ? hIn + nw : 0;
      FloatVector dt = at(s.dt, st * ep + e0);
      FloatVector u = at(s.u, st * ep + e0);
      FloatVector dtu = dt.mul(u);
      FloatVector y = FloatVector.zero(F);
      int bo = st * pp + rank; // B at bo + j, C at bo + n + j
      for (int j = 0; j < n; j++) {
        FloatVector a = VectorMath.exp2NonPositive(dt.mul(at(p.aLog2, j * ep + e0)));
        if (keepStates) {
          a.intoArray(s.as, st * nw + j * W);
        }
        FloatVector hj = a.fma(at(h, hIn + j * W), dtu.mul(s.proj[bo + j]));
        hj.intoArray(h, hOut + j * W);
        y = hj.fma(of(s.proj[bo + n + j]), y);
      }
      int yo = p.pos[st] * ep + e0;
      dSkip.fma(u, y).add(at(s.ySum, yo)).intoArray(s.ySum, yo);
    }
  }

  /**
   * The adjoint sweep of one tile, last step to first (spec §1.4): lambda_s = dy_s C_s +
   * exp(dt_{s+1} A) lambda_{s+1}. Writes d dt and du of the tile; adds the dB, dC terms lane-wise
   * into bcLanes, and dA, dD into the unit's partial.
   */
  static void adjoint(MixerScratch s, Plan p, int tile) {
    int e0 = tile * W;
    int n = s.n;
    int nw = n * W;
    int ep = s.ep;
    int pp = s.pp;
    int rank = s.d.dtRank();
    float[] lam = s.lam;
    float[] part = s.partial;
    Arrays.fill(lam, 0f);
    FloatVector dSkip = at(p.dSkip, e0);
    FloatVector dD = FloatVector.zero(F);
    for (int st = s.len - 1; st >= 0; st--) {
      int so = st * ep + e0;
      FloatVector dy = at(s.dy, p.pos[st] * ep + e0);
      FloatVector u = at(s.u, so);
      FloatVector dt = at(s.dt, so);
      FloatVector dtu = dt.mul(u);
      dD = dy.fma(u, dD);
      FloatVector sumLB = FloatVector.zero(F);
      FloatVector ddtA = FloatVector.zero(F);
      int bo = st * pp + rank;
      int lo = st * 2 * nw; // dB lanes at lo + j W, dC lanes at lo + nw + j W
      for (int j = 0; j < n; j++) {
        FloatVector l = dy.fma(of(s.proj[bo + n + j]), at(lam, j * W));
        FloatVector hPrev = at(s.hs, st * nw + j * W);
        FloatVector a = at(s.as, st * nw + j * W);
        dy.fma(at(s.hs, (st + 1) * nw + j * W), at(s.bcLanes, lo + nw + j * W))
            .intoArray(s.bcLanes, lo + nw + j * W);
        l.fma(dtu, at(s.bcLanes, lo + j * W)).intoArray(s.bcLanes, lo + j * W);
        sumLB = l.fma(of(s.proj[bo + j]), sumLB);
        FloatVector la = l.mul(a); // lambda exp(dt A): the adjoint carried to step s-1
        FloatVector q = la.mul(hPrev);
        ddtA = q.fma(at(p.a, j * ep + e0), ddtA);
        int ga = p.gA + j * ep + e0;
        q.fma(dt, at(part, ga)).intoArray(part, ga);
        la.intoArray(lam, j * W);
      }
      dSkip.fma(dy, dt.mul(sumLB)).intoArray(s.du, so);
      u.fma(sumLB, ddtA).intoArray(s.dDt, so);
    }
    dD.add(at(part, p.gD + e0)).intoArray(part, p.gD + e0);
  }

  /**
   * After every tile of a route: d dt through softplus and dt_proj, dB and dC reduced over lanes,
   * then x_proj's backward into du and dW_x, then the conv + SiLU's backward into dx. Each sum
   * over steps runs in a register and touches the unit's partial once per vector.
   */
  static void routeGradient(MixerScratch s, Plan p) {
    reduceBC(s);
    softplusGradient(s, p);
    lowGradient(s, p);
    stepSums(s, s.proj, s.d.dtRank(), s.dDt, p.gDtW); // dt_proj's weight: d dt x dt_low
    projInputGradient(s, p);
    stepSums(s, s.dProj, s.d.projWidth(), s.u, p.gWx); // x_proj's weight: d proj x u
    if (s.d.dConv() == 0) {
      scatterInputGradient(s, p);
    } else {
      siluGradient(s, p);
      tapGradient(s, p);
      convInputGradient(s, p);
    }
  }

  /** dB, dC of each step (into dProj) from their lane-wise sums over the row's tiles. */
  private static void reduceBC(MixerScratch s) {
    int rank = s.d.dtRank();
    int n2 = 2 * s.n;
    for (int st = 0; st < s.len; st++) {
      int lo = st * n2 * W;
      int po = st * s.pp + rank;
      for (int j = 0; j < n2; j++) {
        s.dProj[po + j] = at(s.bcLanes, lo + j * W).reduceLanes(VectorOperators.ADD);
      }
    }
  }

  /** d dt before softplus (over dDt, in place; softplus' = sigmoid), and dt_proj's bias. */
  private static void softplusGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    for (int e0 = 0; e0 < ep; e0 += W) {
      FloatVector bias = FloatVector.zero(F);
      for (int st = 0; st < s.len; st++) {
        int i = st * ep + e0;
        FloatVector dPre = at(s.dDt, i).mul(at(s.dtSig, i));
        dPre.intoArray(s.dDt, i);
        bias = bias.add(dPre);
      }
      bias.add(at(s.partial, p.gDtBias + e0)).intoArray(s.partial, p.gDtBias + e0);
    }
  }

  /** d dt_low (L, R) into dProj: sums over channels of d dt x dt_proj. */
  private static void lowGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int rank = s.d.dtRank();
    for (int st = 0; st < s.len; st++) {
      for (int j = 0; j < rank; j++) {
        FloatVector acc = FloatVector.zero(F);
        for (int e0 = 0; e0 < ep; e0 += W) {
          acc = at(s.dDt, st * ep + e0).fma(at(p.dtWT, j * ep + e0), acc);
        }
        s.dProj[st * s.pp + j] = acc.reduceLanes(VectorOperators.ADD);
      }
    }
  }

  /** du += d proj x_proj: vectors over channels, four tiles per broadcast of d proj. */
  private static void projInputGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int pw = s.d.projWidth();
    for (int st = 0; st < s.len; st++) {
      int po = st * s.pp;
      int e0 = 0;
      for (; e0 + 4 * W <= ep; e0 += 4 * W) {
        int d = st * ep + e0;
        FloatVector a0 = at(s.du, d);
        FloatVector a1 = at(s.du, d + W);
        FloatVector a2 = at(s.du, d + 2 * W);
        FloatVector a3 = at(s.du, d + 3 * W);
        for (int o = 0; o < pw; o++) {
          FloatVector g = of(s.dProj[po + o]);
          int w = o * ep + e0;
          a0 = g.fma(at(p.wx, w), a0);
          a1 = g.fma(at(p.wx, w + W), a1);
          a2 = g.fma(at(p.wx, w + 2 * W), a2);
          a3 = g.fma(at(p.wx, w + 3 * W), a3);
        }
        a0.intoArray(s.du, d);
        a1.intoArray(s.du, d + W);
        a2.intoArray(s.du, d + 2 * W);
        a3.intoArray(s.du, d + 3 * W);
      }
      for (; e0 < ep; e0 += W) {
        FloatVector du = at(s.du, st * ep + e0);
        for (int o = 0; o < pw; o++) {
          du = of(s.dProj[po + o]).fma(at(p.wx, o * ep + e0), du);
        }
        du.intoArray(s.du, st * ep + e0);
      }
    }
  }

  /**
   * A weight gradient that is a sum over steps: partial[g + o Ep + e] += sum_s scalars[s P + o]
   * vectors[s Ep + e] for the first {@code count} columns of {@code scalars} (L, P). dt_proj's
   * weight is d dt (vectors) by dt_low (scalars), x_proj's is u by d proj. Four tiles per
   * broadcast; the sums stay in registers and touch the partial once per vector.
   */
  private static void stepSums(MixerScratch s, float[] scalars, int count, float[] vectors,
      int g) {
    int ep = s.ep;
    for (int o = 0; o < count; o++) {
      int e0 = 0;
      for (; e0 + 4 * W <= ep; e0 += 4 * W) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int st = 0; st < s.len; st++) {
          FloatVector c = of(scalars[st * s.pp + o]);
          int v = st * ep + e0;
          a0 = c.fma(at(vectors, v), a0);
          a1 = c.fma(at(vectors, v + W), a1);
          a2 = c.fma(at(vectors, v + 2 * W), a2);
          a3 = c.fma(at(vectors, v + 3 * W), a3);
        }
        int gw = g + o * ep + e0;
        a0.add(at(s.partial, gw)).intoArray(s.partial, gw);
        a1.add(at(s.partial, gw + W)).intoArray(s.partial, gw + W);
        a2.add(at(s.partial, gw + 2 * W)).intoArray(s.partial, gw + 2 * W);
        a3.add(at(s.partial, gw + 3 * W)).intoArray(s.partial, gw + 3 * W);
      }
      for (; e0 < ep; e0 += W) {
        FloatVector acc = FloatVector.zero(F);
        for (int st = 0; st < s.len; st++) {
          acc = of(scalars[st * s.pp + o]).fma(at(vectors, st * ep + e0), acc);
        }
        int gw = g + o * ep + e0;
        acc.add(at(s.partial, gw)).intoArray(s.partial, gw);
      }
    }
  }

  /** Without conv, u is x in the route's order: du goes back to each step's position. */
  private static void scatterInputGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    for (int st = 0; st < s.len; st++) {
      int xo = p.pos[st] * ep;
      for (int e0 = 0; e0 < ep; e0 += W) {
        at(s.du, st * ep + e0).add(at(s.dx, xo + e0)).intoArray(s.dx, xo + e0);
      }
    }
  }

  /** dc = du silu'(c) over du, in place, and the conv bias's gradient. */
  private static void siluGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    for (int e0 = 0; e0 < ep; e0 += W) {
      FloatVector bias = FloatVector.zero(F);
      for (int st = 0; st < s.len; st++) {
        int i = st * ep + e0;
        FloatVector c = at(s.c, i);
        FloatVector sg = VectorMath.sigmoid(c);
        // d silu / dc = sg (1 + c (1 - sg))
        FloatVector dc = at(s.du, i).mul(sg.mul(c.mul(ONE.sub(sg)).add(1f)));
        dc.intoArray(s.du, i);
        bias = bias.add(dc);
      }
      bias.add(at(s.partial, p.gConvBias + e0)).intoArray(s.partial, p.gConvBias + e0);
    }
  }

  /** Tap i's gradient: sums over steps of dc_s x_{s - i}. */
  private static void tapGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    for (int i = 0; i < s.d.dConv(); i++) {
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector acc = FloatVector.zero(F);
        for (int st = i; st < s.len; st++) {
          acc = at(s.du, st * ep + e0).fma(at(s.x, p.pos[st - i] * ep + e0), acc);
        }
        int gt = p.gTaps + i * ep + e0;
        acc.add(at(s.partial, gt)).intoArray(s.partial, gt);
      }
    }
  }

  /** dx at step t's position: sums over taps of dc_{t + i} tap_i. */
  private static void convInputGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int k = s.d.dConv();
    for (int st = 0; st < s.len; st++) {
      int taps = Math.min(k, s.len - st);
      int xo = p.pos[st] * ep;
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector acc = at(s.dx, xo + e0);
        for (int i = 0; i < taps; i++) {
          acc = at(s.du, (st + i) * ep + e0).fma(at(p.taps, i * ep + e0), acc);
        }
        acc.intoArray(s.dx, xo + e0);
      }
    }
  }

  /** Forward gate, in place: ySum = ySum silu(z). */
  static void gate(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      at(s.ySum, i).mul(z.mul(VectorMath.sigmoid(z))).intoArray(s.ySum, i);
    }
  }

  /** dy = g silu(z), the gradient every route's y receives. */
  static void gateGradient(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      at(s.g, i).mul(z.mul(VectorMath.sigmoid(z))).intoArray(s.dy, i);
    }
  }

  /** dz = g ySum silu'(z), written over z (the row's z is not read again). */
  static void gateInputGradient(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      FloatVector sg = VectorMath.sigmoid(z);
      FloatVector dsilu = sg.mul(z.mul(ONE.sub(sg)).add(1f));
      at(s.g, i).mul(at(s.ySum, i)).mul(dsilu).intoArray(s.z, i);
    }
  }
}
