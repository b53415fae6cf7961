package org.mambamixer.cuda.gpu;

import java.util.List;
import java.util.Random;
import org.mambamixer.cuda.ScanProblem;

/**
 * One shape and option set of scan-check, with the random inputs it is run on.
 *
 * @param skip whether D is present
 * @param gate whether z is present
 * @param bias whether delta_bias is present
 * @param h0 whether an initial state is given
 * @param largeDelta delta spread over [-70, 110]: past softplus's threshold (20, where it returns
 *     x itself) and past 88.7, where a naive log(1 + exp(x)) overflows float; needs softplus
 */
public record CheckCase(String name, int batch, int dim, int len, int dstate, boolean skip,
    boolean gate, boolean bias, boolean softplus, boolean h0, boolean reverse,
    boolean largeDelta) {

  public CheckCase {
    if (largeDelta && !softplus) {
      throw new IllegalArgumentException(
          "largeDelta needs softplus: a raw delta of -70 would be a negative step size");
    }
  }

  /** A case with delta in the range a trained Mamba block sees. */
  public CheckCase(String name, int batch, int dim, int len, int dstate, boolean skip,
      boolean gate, boolean bias, boolean softplus, boolean h0, boolean reverse) {
    this(name, batch, dim, len, dstate, skip, gate, bias, softplus, h0, reverse, false);
  }

  /**
   * The cases scan-check runs: odd sizes (a partial channel tile, L not a multiple of the
   * checkpoint chunk), every optional input present and absent, both directions, step sizes past
   * softplus's threshold, then one larger shape for timing.
   */
  public static List<CheckCase> standard() {
    return List.of(
        new CheckCase("mamba-block", 2, 40, 100, 16, true, true, true, true, false, false),
        new CheckCase("reverse-h0", 2, 40, 100, 16, true, true, true, true, true, true),
        new CheckCase("bare-h0", 3, 7, 37, 4, false, false, false, false, true, false),
        new CheckCase("skip-bias-reverse", 1, 33, 64, 8, true, false, true, false, false, true),
        new CheckCase("gate-only-n64", 2, 64, 31, 64, false, true, false, true, true, false),
        new CheckCase("past-softplus-threshold", 1, 40, 45, 4, true, true, true, true, false,
            false, true),
        new CheckCase("timing", 8, 256, 512, 16, true, true, true, true, false, false));
  }

  /** The standard cases without the timing shape: correctness only, fast even when emulated. */
  public static List<CheckCase> quick() {
    return standard().stream().filter(c -> c.elements() < 1_000_000).toList();
  }

  /** Elements of the state recurrence, B·D·L·N: the unit of throughput. */
  public long elements() {
    return (long) batch * dim * len * dstate;
  }

  /**
   * Random inputs in the ranges a trained Mamba block sees: A negative (S4D-real-like),
   * delta' small and positive, everything else of order one.
   */
  public ScanProblem sample(long seed) {
    Random r = new Random(seed);
    int bdl = batch * dim * len;
    int bnl = batch * dstate * len;
    float[] a = new float[dim * dstate];
    for (int d = 0; d < dim; d++) {
      for (int n = 0; n < dstate; n++) {
        a[d * dstate + n] = -(n + 1) * (0.5f + 0.5f * r.nextFloat());
      }
    }
    // Without softplus delta + bias is used as is, so both keep the step size positive.
    float[] delta = largeDelta ? uniform(r, bdl, -70f, 110f)
        : softplus ? uniform(r, bdl, -4f, -1f) : uniform(r, bdl, 0.001f, 0.1f);
    return new ScanProblem(batch, dim, len, dstate,
        gaussian(r, bdl, 1f), delta, a, gaussian(r, bnl, 1f), gaussian(r, bnl, 1f),
        skip ? gaussian(r, dim, 1f) : null,
        gate ? gaussian(r, bdl, 1f) : null,
        bias ? (softplus ? uniform(r, dim, -0.5f, 0.5f) : uniform(r, dim, 0f, 0.05f)) : null,
        softplus,
        h0 ? gaussian(r, batch * dim * dstate, 0.5f) : null,
        reverse);
  }

  /** An upstream gradient of the output, (B, D, L). */
  public float[] dout(long seed) {
    return gaussian(new Random(seed ^ 0x5DEECE66DL), batch * dim * len, 1f);
  }

  private static float[] gaussian(Random r, int n, float sigma) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian() * sigma;
    }
    return x;
  }

  private static float[] uniform(Random r, int n, float lo, float hi) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * r.nextFloat();
    }
    return x;
  }
}
