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
  private static void conv(MixerScratch s, Plan p) {
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
        acc.mul(VectorTileOps.sigmoid(acc)).intoArray(s.u, st * ep + e0);
      }
    }
  }

  /** proj (L, P) = u (L, E) x_proj^T: vectors over outputs, one broadcast of u per channel. */
  private static void project(MixerScratch s, Plan p) {
    int e = s.d.dInner();
    int ep = s.ep;
    int pp = s.pp;
    for (int st = 0; st < s.len; st++) {
      int uo = st * ep;
      for (int o0 = 0; o0 < pp; o0 += W) {
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < e; c++) {
          acc = at(p.wxT, c * pp + o0).fma(of(s.u[uo + c]), acc);
        }
        acc.intoArray(s.proj, st * pp + o0);
      }
    }
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
        VectorTileOps.softplus(acc).intoArray(s.dt, st * ep + e0);
        if (backward) {
          VectorTileOps.sigmoid(acc).intoArray(s.dtSig, st * ep + e0);
        }
      }
    }
  }

  /** The scan of one tile of channels; y + D u added into ySum at each step's position. */
  static void scan(MixerScratch s, Plan p, int tile) {
    int e0 = tile * W;
    int n = s.n;
    int ep = s.ep;
    int pp = s.pp;
    int rank = s.d.dtRank();
    float[] h = s.h;
    Arrays.fill(h, 0f);
    FloatVector dSkip = at(p.dSkip, e0);
    for (int st = 0; st < s.len; st++) {
      FloatVector dt = at(s.dt, st * ep + e0);
      FloatVector u = at(s.u, st * ep + e0);
      FloatVector dtu = dt.mul(u);
      FloatVector y = FloatVector.zero(F);
      int bo = st * pp + rank; // B at bo + j, C at bo + n + j
      for (int j = 0; j < n; j++) {
        FloatVector a = VectorTileOps.exp2(dt.mul(at(p.aLog2, j * ep + e0)));
        FloatVector hj = a.fma(at(h, j * W), dtu.mul(s.proj[bo + j]));
        hj.intoArray(h, j * W);
        y = hj.fma(of(s.proj[bo + n + j]), y);
      }
      int yo = p.pos[st] * ep + e0;
      dSkip.fma(u, y).add(at(s.ySum, yo)).intoArray(s.ySum, yo);
    }
  }

  /** {@link #scan}, keeping every state and exp(dt A) of the tile for the adjoint sweep. */
  static void scanStates(MixerScratch s, Plan p, int tile) {
    int e0 = tile * W;
    int n = s.n;
    int nw = n * W;
    int ep = s.ep;
    int pp = s.pp;
    int rank = s.d.dtRank();
    FloatVector dSkip = at(p.dSkip, e0);
    for (int st = 0; st < s.len; st++) {
      FloatVector dt = at(s.dt, st * ep + e0);
      FloatVector u = at(s.u, st * ep + e0);
      FloatVector dtu = dt.mul(u);
      FloatVector y = FloatVector.zero(F);
      int bo = st * pp + rank;
      for (int j = 0; j < n; j++) {
        FloatVector a = VectorTileOps.exp2(dt.mul(at(p.aLog2, j * ep + e0)));
        a.intoArray(s.as, st * nw + j * W);
        FloatVector hj = a.fma(at(s.hs, st * nw + j * W), dtu.mul(s.proj[bo + j]));
        hj.intoArray(s.hs, (st + 1) * nw + j * W);
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
   * then x_proj's backward into du and dW_x, then the conv + SiLU's backward into dx.
   */
  static void routeGradient(MixerScratch s, Plan p) {
    dtGradient(s, p);
    projGradient(s, p);
    convGradient(s, p);
  }

  /** d dt_low (L, R), dt_proj's and its bias's gradients; dB, dC into dProj. */
  private static void dtGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int pp = s.pp;
    int n = s.n;
    int rank = s.d.dtRank();
    float[] part = s.partial;
    for (int st = 0; st < s.len; st++) {
      int so = st * ep;
      int po = st * pp;
      int lo = st * 2 * n * W;
      for (int j = 0; j < 2 * n; j++) {
        s.dProj[po + rank + j] = at(s.bcLanes, lo + j * W).reduceLanes(VectorOperators.ADD);
      }
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector dPre = at(s.dDt, so + e0).mul(at(s.dtSig, so + e0)); // softplus' = sigmoid
        dPre.intoArray(s.dDt, so + e0);
        dPre.add(at(part, p.gDtBias + e0)).intoArray(part, p.gDtBias + e0);
      }
      for (int j = 0; j < rank; j++) {
        FloatVector acc = FloatVector.zero(F);
        FloatVector low = of(s.proj[po + j]);
        for (int e0 = 0; e0 < ep; e0 += W) {
          FloatVector dPre = at(s.dDt, so + e0);
          acc = dPre.fma(at(p.dtWT, j * ep + e0), acc);
          int gw = p.gDtW + j * ep + e0;
          dPre.fma(low, at(part, gw)).intoArray(part, gw);
        }
        s.dProj[po + j] = acc.reduceLanes(VectorOperators.ADD);
      }
    }
  }

  /** du += d proj x_proj (vectors over channels); dW_x += d proj^T u. */
  private static void projGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int pp = s.pp;
    int pw = s.d.projWidth();
    float[] part = s.partial;
    for (int st = 0; st < s.len; st++) {
      int so = st * ep;
      int po = st * pp;
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector du = at(s.du, so + e0);
        FloatVector u = at(s.u, so + e0);
        for (int o = 0; o < pw; o++) {
          FloatVector g = of(s.dProj[po + o]);
          du = g.fma(at(p.wx, o * ep + e0), du);
          int gw = p.gWx + o * ep + e0;
          g.fma(u, at(part, gw)).intoArray(part, gw);
        }
        du.intoArray(s.du, so + e0);
      }
    }
  }

  /** du back through SiLU and the conv into dx (position order), the taps' and bias's gradients. */
  private static void convGradient(MixerScratch s, Plan p) {
    int ep = s.ep;
    int k = s.d.dConv();
    float[] part = s.partial;
    if (k == 0) {
      for (int st = 0; st < s.len; st++) {
        int xo = p.pos[st] * ep;
        for (int e0 = 0; e0 < ep; e0 += W) {
          at(s.du, st * ep + e0).add(at(s.dx, xo + e0)).intoArray(s.dx, xo + e0);
        }
      }
      return;
    }
    for (int st = 0; st < s.len; st++) {
      int taps = Math.min(k, st + 1);
      for (int e0 = 0; e0 < ep; e0 += W) {
        FloatVector c = at(s.c, st * ep + e0);
        FloatVector sg = VectorTileOps.sigmoid(c);
        // d silu / dc = sg (1 + c (1 - sg))
        FloatVector dc = at(s.du, st * ep + e0).mul(sg.mul(c.mul(ONE.sub(sg)).add(1f)));
        dc.add(at(part, p.gConvBias + e0)).intoArray(part, p.gConvBias + e0);
        for (int i = 0; i < taps; i++) {
          int xo = p.pos[st - i] * ep + e0;
          int gt = p.gTaps + i * ep + e0;
          dc.fma(at(s.x, xo), at(part, gt)).intoArray(part, gt);
          dc.fma(at(p.taps, i * ep + e0), at(s.dx, xo)).intoArray(s.dx, xo);
        }
      }
    }
  }

  /** Forward gate, in place: ySum = ySum silu(z). */
  static void gate(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      at(s.ySum, i).mul(z.mul(VectorTileOps.sigmoid(z))).intoArray(s.ySum, i);
    }
  }

  /** dy = g silu(z), the gradient every route's y receives. */
  static void gateGradient(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      at(s.g, i).mul(z.mul(VectorTileOps.sigmoid(z))).intoArray(s.dy, i);
    }
  }

  /** dz = g ySum silu'(z), written over z (the row's z is not read again). */
  static void gateInputGradient(MixerScratch s) {
    for (int i = 0; i < s.len * s.ep; i += W) {
      FloatVector z = at(s.z, i);
      FloatVector sg = VectorTileOps.sigmoid(z);
      FloatVector dsilu = sg.mul(z.mul(ONE.sub(sg)).add(1f));
      at(s.g, i).mul(at(s.ySum, i)).mul(dsilu).intoArray(s.z, i);
    }
  }
}
