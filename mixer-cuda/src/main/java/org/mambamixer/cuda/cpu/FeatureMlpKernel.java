package org.mambamixer.cuda.cpu;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.mambamixer.api.block.HashDropout;

/**
 * TSMixer's feature MLP, row by row, without its hidden activation in memory:
 *
 * <pre>
 *   y_r = W2 (ReLU(W1 x_r + b1) ⊙ m_r) + b2        x_r, y_r in R^M, hidden in R^F
 * </pre>
 *
 * where {@code m} is {@link HashDropout}'s mask of the (rows, F) hidden (the same hash of the
 * same element index, so the same mask as the unfused block) scaled by 1 / keep, or 1 without
 * dropout. Why by hand: over (32 x 512) rows with M = 7 and F = 512 the engine writes and reads
 * a 32 MiB hidden a dozen times a step (its matmuls with an inner or outer size of 7 are memory
 * bound), which was most of TSMixer's step; here the hidden of a row lives in a scratch of F
 * floats. The backward recomputes {@code W1 x + b1} and the mask (a hash of the index), which
 * costs less than storing them.
 *
 * <p>Rows are cut into units of {@value #ROWS_PER_UNIT}; each unit's weight-gradient partial is
 * added in unit order, so results do not depend on the number of threads.
 */
public final class FeatureMlpKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final IntVector IOTA = IntVector.zero(I).addIndex(1);
  private static final int ROWS_PER_UNIT = 128;
  private final Workers workers;

  /** All available processors. */
  public FeatureMlpKernel() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** @param threads worker threads (1 runs on the caller's thread) */
  public FeatureMlpKernel(int threads) {
    workers = new Workers(threads);
  }

  /** {@code rows} rows of {@code width} (M) values, hidden width F, a multiple of 8. */
  public record Dims(int rows, int width, int hidden) {
    public Dims {
      if (rows < 1 || width < 1 || hidden < 8 || hidden % S.length() != 0) {
        throw new IllegalArgumentException("feature MLP needs rows, width >= 1 and a hidden width"
            + " that is a positive multiple of " + S.length() + "; got " + rows + ", " + width
            + ", " + hidden);
      }
    }

    int units() {
      return (rows + ROWS_PER_UNIT - 1) / ROWS_PER_UNIT;
    }

  }

  /** W1 transposed to (M, F), b1 (F), W2 (M, F), b2 (M). */
  public record Weights(float[] w1t, float[] b1, float[] w2, float[] b2) {}

  /** The hidden's dropout: {@link HashDropout}'s seed for this call and the keep probability. */
  public record Dropout(int seed, float keep) {}

  /** Gradients in {@link Weights}' layouts. */
  public record Grads(float[] w1t, float[] b1, float[] w2, float[] b2) {}

  /** Per-thread rows: x_r, the hidden (pre-activation), its mask and its gradient. */
  private static final class Scratch {
    final float[] x;
    final float[] gy;
    final float[] z;
    final float[] m;
    final float[] g;

    Scratch(Dims d) {
      x = new float[d.width()];
      gy = new float[d.width()];
      z = new float[d.hidden()];
      m = new float[d.hidden()];
      g = new float[d.hidden()];
    }
  }

  /**
   * y = the MLP of x, both (rows, M) row-major; {@code drop} null for no dropout.
   */
  public void forward(Dims d, Weights w, FloatBuffer x, FloatBuffer y, Dropout drop) {
    workers.forEach(d.units(), () -> new Scratch(d), (s, unit) -> {
      int end = Math.min(d.rows(), (unit + 1) * ROWS_PER_UNIT);
      for (int r = unit * ROWS_PER_UNIT; r < end; r++) {
        x.get(r * d.width(), s.x);
        hidden(d, w, s);
        mask(d, r, drop, s.m);
        for (int c = 0; c < d.width(); c++) { // y_c = b2_c + W2_c . (ReLU(z) m)
          FloatVector acc = FloatVector.zero(S);
          for (int j = 0; j < d.hidden(); j += S.length()) {
            FloatVector a = FloatVector.fromArray(S, s.z, j).max(0f)
                .mul(FloatVector.fromArray(S, s.m, j));
            acc = FloatVector.fromArray(S, w.w2(), c * d.hidden() + j).fma(a, acc);
          }
          y.put(r * d.width() + c, w.b2()[c] + acc.reduceLanes(VectorOperators.ADD));
        }
      }
    });
  }

  /**
   * The gradients of x (into {@code gx}, (rows, M)) and of the weights, given gy (rows, M) and
   * what the forward saw: the same x, weights and dropout.
   */
  public Grads backward(Dims d, Weights w, FloatBuffer x, FloatBuffer gy, Dropout drop,
      FloatBuffer gx) {
    int f = d.hidden();
    int mw = d.width() * f;
    int size = 2 * mw + f + d.width(); // one unit's partial: w1t, w2, b1, b2
    float[][] partials = new float[d.units()][];
    workers.forEach(d.units(), () -> new Scratch(d), (s, unit) -> {
      float[] p = new float[size];
      int end = Math.min(d.rows(), (unit + 1) * ROWS_PER_UNIT);
      for (int r = unit * ROWS_PER_UNIT; r < end; r++) {
        x.get(r * d.width(), s.x);
        gy.get(r * d.width(), s.gy);
        hidden(d, w, s);
        mask(d, r, drop, s.m);
        // a = ReLU(z) m;  dW2_c += gy_c a;  db2 += gy;  ga = W2^T gy;  dz = ga m [z > 0]
        for (int j = 0; j < f; j += S.length()) {
          FloatVector z = FloatVector.fromArray(S, s.z, j);
          FloatVector m = FloatVector.fromArray(S, s.m, j);
          FloatVector a = z.max(0f).mul(m);
          FloatVector ga = FloatVector.zero(S);
          for (int c = 0; c < d.width(); c++) {
            FloatVector g = FloatVector.broadcast(S, s.gy[c]);
            int at = mw + c * f + j;
            g.fma(a, FloatVector.fromArray(S, p, at)).intoArray(p, at);
            ga = g.fma(FloatVector.fromArray(S, w.w2(), c * f + j), ga);
          }
          ga.mul(m).blend(0f, z.compare(VectorOperators.LE, 0f)).intoArray(s.g, j);
        }
        // dW1^T_k += x_k dz;  db1 += dz;  dx_k = W1^T_k . dz
        for (int j = 0; j < f; j += S.length()) {
          FloatVector g = FloatVector.fromArray(S, s.g, j);
          int b1 = 2 * mw + j;
          g.add(FloatVector.fromArray(S, p, b1)).intoArray(p, b1);
          for (int k = 0; k < d.width(); k++) {
            int at = k * f + j;
            FloatVector.broadcast(S, s.x[k]).fma(g, FloatVector.fromArray(S, p, at))
                .intoArray(p, at);
          }
        }
        for (int k = 0; k < d.width(); k++) {
          FloatVector acc = FloatVector.zero(S);
          for (int j = 0; j < f; j += S.length()) {
            acc = FloatVector.fromArray(S, w.w1t(), k * f + j)
                .fma(FloatVector.fromArray(S, s.g, j), acc);
          }
          gx.put(r * d.width() + k, acc.reduceLanes(VectorOperators.ADD));
          p[2 * mw + f + k] += s.gy[k];
        }
      }
      partials[unit] = p;
    });
    float[] sum = new float[size];
    for (float[] p : partials) { // unit order: the same sums for any number of threads
      for (int i = 0; i < size; i++) {
        sum[i] += p[i];
      }
    }
    return new Grads(java.util.Arrays.copyOfRange(sum, 0, mw),
        java.util.Arrays.copyOfRange(sum, 2 * mw, 2 * mw + f),
        java.util.Arrays.copyOfRange(sum, mw, 2 * mw),
        java.util.Arrays.copyOfRange(sum, 2 * mw + f, size));
  }

  /** s.z = W1 x_r + b1: F outputs, vectorised over them. */
  private static void hidden(Dims d, Weights w, Scratch s) {
    int f = d.hidden();
    for (int j = 0; j < f; j += S.length()) {
      FloatVector acc = FloatVector.fromArray(S, w.b1(), j);
      for (int k = 0; k < d.width(); k++) {
        acc = FloatVector.broadcast(S, s.x[k]).fma(FloatVector.fromArray(S, w.w1t(), k * f + j),
            acc);
      }
      acc.intoArray(s.z, j);
    }
  }

  /**
   * Row r's mask values (1 / keep or 0; all 1 without dropout): {@link HashDropout#hash} of each
   * element's index in the (rows, F) hidden, eight lanes at a time.
   */
  private static void mask(Dims d, int r, Dropout drop, float[] m) {
    int f = d.hidden();
    if (drop == null) {
      java.util.Arrays.fill(m, 1f);
      return;
    }
    IntVector zero = IntVector.zero(I);
    int scale = Float.floatToRawIntBits(1f / drop.keep());
    int threshold = HashDropout.threshold(drop.keep());
    int first = r * f;
    for (int j = 0; j < f; j += I.length()) {
      IntVector h = IOTA.add(first + j).mul(HashDropout.WEYL).add(drop.seed());
      h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(0x85EBCA6B);
      h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13)).mul(0xC2B2AE35);
      h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
      zero.blend(scale, h.lanewise(VectorOperators.LSHR, 1).compare(VectorOperators.LT, threshold))
          .reinterpretAsFloats().intoArray(m, j);
    }
  }
}
