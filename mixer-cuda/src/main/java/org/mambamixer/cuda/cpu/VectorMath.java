package org.mambamixer.cuda.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, sigmoid and softplus on 8-lane float vectors, for the CPU kernels. exp is a polynomial on
 * vectors (docs/kernels.md), so the speed does not depend on whether this JVM intrinsifies the
 * Vector API's transcendental operators. Every method here must be inlined into its caller (a
 * vector crossing a call that is not inlined is boxed): {@link FusedMixerKernel#JVM_FLAGS} tells
 * C2 so for this class.
 */
final class VectorMath {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final float LOG2E = 1.4426950408889634f;
  /** 1.5 * 2^23: adding and subtracting it rounds a float of magnitude below 2^22 to an integer. */
  private static final float ROUND = 12582912f;
  // 2^f = e^(f ln 2) on f in [-0.5, 0.5]: Taylor terms ln2^k / k!, truncation error ~1e-7.
  private static final FloatVector E1 = FloatVector.broadcast(F, 0.6931471805599453f);
  private static final FloatVector E2 = FloatVector.broadcast(F, 0.2402265069591007f);
  private static final FloatVector E3 = FloatVector.broadcast(F, 0.05550410866482158f);
  private static final FloatVector E4 = FloatVector.broadcast(F, 0.009618129107628477f);
  private static final FloatVector E5 = FloatVector.broadcast(F, 0.0013333558146428443f);
  private static final FloatVector E6 = FloatVector.broadcast(F, 1.5403530393381606e-4f);
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

  private VectorMath() {}

  /** 2^x, relative error about 2e-7; x is clamped to [-126, 127] (no denormals, no infinity). */
  static FloatVector exp2(FloatVector x) {
    return exp2InRange(x.max(-126f).min(127f));
  }

  /**
   * 2^x for x <= 0, the fused mixer's exp(dt A) (dt > 0 after softplus, A = -exp(A_log) < 0):
   * only the lower clamp applies, one vector operation of the ~22 per scan element fewer, and
   * bitwise the results of {@link #exp2}.
   */
  static FloatVector exp2NonPositive(FloatVector x) {
    return exp2InRange(x.max(-126f));
  }

  /** 2^x for x in [-126, 127]. */
  private static FloatVector exp2InRange(FloatVector x) {
    FloatVector shifted = x.add(ROUND); // low mantissa bits now hold k = round(x)
    FloatVector f = x.sub(shifted.sub(ROUND));
    FloatVector p = E6.fma(f, E5);
    p = p.fma(f, E4);
    p = p.fma(f, E3);
    p = p.fma(f, E2);
    p = p.fma(f, E1);
    p = p.fma(f, ONE);
    // 2^k from k's bits moved into the exponent field (the shift drops the magic number's bits).
    // Not convert(F2I): on Java 17 that cast costs 8x the whole polynomial (measured, docs/kernels.md).
    IntVector k = shifted.reinterpretAsInts();
    FloatVector scale = k.lanewise(VectorOperators.LSHL, 23).add(127 << 23).reinterpretAsFloats();
    return p.mul(scale);
  }

  static FloatVector exp(FloatVector x) {
    return exp2(x.mul(LOG2E));
  }

  /** sigmoid(v) = 1 / (1 + exp(-v)); exp's clamp keeps it finite for any v. */
  static FloatVector sigmoid(FloatVector v) {
    return ONE.div(exp(v.neg()).add(ONE));
  }

  /** softplus(v) with PyTorch's threshold: v itself above 20. */
  static FloatVector softplus(FloatVector v) {
    return softplus(v, exp(v.abs().neg()));
  }

  /**
   * softplus(v) into sp[i] and its derivative sigmoid(v) into sig[i], from one exp: sigmoid is
   * 1 / (1 + e) for v >= 0 and e / (1 + e) below, with e = exp(-|v|).
   */
  static void softplus(FloatVector v, float[] sp, float[] sig, int i) {
    FloatVector e = exp(v.abs().neg()); // in (0, 1]
    FloatVector inv = e.add(ONE);
    ONE.div(inv).blend(e.div(inv), v.compare(VectorOperators.LT, 0f)).intoArray(sig, i);
    softplus(v, e).intoArray(sp, i);
  }

  /** softplus from e = exp(-|v|). */
  private static FloatVector softplus(FloatVector v, FloatVector e) {
    // log1p(e) = 2 atanh(s), s = e / (2 + e) in (0, 1/3]: odd series, error (1/9)^7 / 15.
    FloatVector s = e.div(e.add(2f));
    FloatVector s2 = s.mul(s);
    FloatVector p = s2.mul(1f / 13).add(1f / 11);
    p = p.mul(s2).add(1f / 9);
    p = p.mul(s2).add(1f / 7);
    p = p.mul(s2).add(1f / 5);
    p = p.mul(s2).add(1f / 3);
    p = p.mul(s2).add(1f);
    FloatVector sp = v.max(0f).add(s.mul(p).mul(2f));
    return sp.blend(v, v.compare(VectorOperators.GT, 20f));
  }
}
