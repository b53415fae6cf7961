package org.mambamixer.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ScanInputs;
import org.mambamixer.api.scan.ScanOutputs;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * Random selective-scan problems, run through a DJL backend with autograd, and the comparison of
 * two runs tensor by tensor.
 *
 * @param b batch
 * @param d channels
 * @param l length
 * @param n state size
 */
public record ScanFixture(int b, int d, int l, int n, boolean z, boolean skip, boolean bias,
    boolean softplus, boolean reverse, boolean h0, long seed) {

  /** All optional parts on, softplus on, forward, no initial state. */
  public static ScanFixture full(int b, int d, int l, int n) {
    return new ScanFixture(b, d, l, n, true, true, true, true, false, false, 1);
  }

  @Override
  public String toString() {
    return "B=" + b + " D=" + d + " L=" + l + " N=" + n + (z ? " z" : "") + (skip ? " D" : "")
        + (bias ? " bias" : "") + (softplus ? " softplus" : "") + (reverse ? " reverse" : "")
        + (h0 ? " h0" : "");
  }

  /** The inputs this fixture switches on, as float arrays in the ScanProblem layout. */
  public ScanProblem problem() {
    return RandomScanProblem.of(b, d, l, n, z, skip, bias, softplus, reverse, h0, seed);
  }

  /** The upstream gradient of out, (B, D, L). */
  public float[] outGrad() {
    return RandomScanProblem.gauss(new Random(seed + 1), b * d * l, 1f, 0f);
  }

  /**
   * Runs {@code scan} under a gradient collector with loss sum(out * g).
   *
   * @return out, last_state and grad_X for every input present
   */
  public Map<String, float[]> run(SelectiveScan scan, NDManager parent) {
    return run(scan, parent, problem());
  }

  /** As {@link #run(SelectiveScan, NDManager)} on {@code p}, a problem of this fixture's shape. */
  public Map<String, float[]> run(SelectiveScan scan, NDManager parent, ScanProblem p) {
    try (NDManager m = parent.newSubManager()) {
      Map<String, NDArray> in = new LinkedHashMap<>();
      in.put("u", m.create(p.u(), new Shape(b, d, l)));
      in.put("delta", m.create(p.delta(), new Shape(b, d, l)));
      in.put("A", m.create(p.A(), new Shape(d, n)));
      in.put("B", m.create(p.B(), new Shape(b, n, l)));
      in.put("C", m.create(p.C(), new Shape(b, n, l)));
      if (skip) {
        in.put("D", m.create(p.dSkip(), new Shape(d)));
      }
      if (z) {
        in.put("z", m.create(p.z(), new Shape(b, d, l)));
      }
      if (bias) {
        in.put("delta_bias", m.create(p.deltaBias(), new Shape(d)));
      }
      if (h0) {
        in.put("h0", m.create(p.h0(), new Shape(b, d, n)));
      }
      in.values().forEach(x -> x.setRequiresGradient(true));
      ScanInputs inputs = new ScanInputs(in.get("u"), in.get("delta"), in.get("A"), in.get("B"),
          in.get("C"), in.get("D"), in.get("z"), in.get("delta_bias"), softplus, in.get("h0"), reverse);
      Map<String, float[]> result = new LinkedHashMap<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        ScanOutputs out = scan.scan(inputs);
        result.put("out", out.out().toFloatArray());
        result.put("last_state", out.lastState().toFloatArray());
        Backprop.backward(out.out().mul(m.create(outGrad(), new Shape(b, d, l))).sum());
      }
      in.forEach((k, x) -> result.put("grad_" + k, x.getGradient().toFloatArray()));
      return result;
    }
  }

  /**
   * Largest error of {@code actual} against {@code expected}, relative to each element floored at
   * 1% of the tensor's largest magnitude (as GoldenCase measures).
   */
  public static double relError(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    double scale = 0;
    for (float v : expected) {
      scale = Math.max(scale, Math.abs(v));
    }
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs((double) actual[i] - expected[i]);
      worst = Math.max(worst, diff / Math.max(Math.abs(expected[i]), 1e-2 * scale + 1e-12));
    }
    return worst;
  }

  /** Asserts every tensor of {@code expected} is present in {@code actual} and within {@code rtol}. */
  public static void assertClose(Map<String, float[]> actual, Map<String, float[]> expected,
      double rtol, String what) {
    assertThat(actual.keySet()).as(what).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((k, e) -> assertThat(relError(actual.get(k), e))
        .as("%s: %s", what, k).isLessThanOrEqualTo(rtol));
  }
}
