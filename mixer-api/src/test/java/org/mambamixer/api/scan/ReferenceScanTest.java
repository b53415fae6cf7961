package org.mambamixer.api.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.api.GradCheck;

/** Finite differences, the reverse route, state carry and bad input for the reference scan. */
class ReferenceScanTest {
  private static final int B = 2;
  private static final int D = 3;
  private static final int L = 5;
  private static final int N = 4;

  private static Map<String, NDArray> inputs(NDManager m, boolean withState) {
    m.getEngine().setRandomSeed(11);
    Map<String, NDArray> in = new LinkedHashMap<>();
    in.put("u", m.randomNormal(0, 1, new Shape(B, D, L), DataType.FLOAT64));
    in.put("delta", m.randomNormal(0, 1, new Shape(B, D, L), DataType.FLOAT64));
    in.put("A", m.randomUniform(0.1f, 1f, new Shape(D, N), DataType.FLOAT64).neg());
    in.put("B", m.randomNormal(0, 1, new Shape(B, N, L), DataType.FLOAT64));
    in.put("C", m.randomNormal(0, 1, new Shape(B, N, L), DataType.FLOAT64));
    in.put("D", m.randomNormal(0, 1, new Shape(D), DataType.FLOAT64));
    in.put("z", m.randomNormal(0, 1, new Shape(B, D, L), DataType.FLOAT64));
    in.put("delta_bias", m.randomNormal(0, 1, new Shape(D), DataType.FLOAT64));
    if (withState) {
      in.put("h0", m.randomNormal(0, 1, new Shape(B, D, N), DataType.FLOAT64));
    }
    in.values().forEach(a -> a.setRequiresGradient(true));
    return in;
  }

  private static ScanInputs of(Map<String, NDArray> in, boolean reverse) {
    return new ScanInputs(in.get("u"), in.get("delta"), in.get("A"), in.get("B"), in.get("C"),
        in.get("D"), in.get("z"), in.get("delta_bias"), true, in.get("h0"), reverse);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void everyInputGradientMatchesFiniteDifferences(boolean reverse) {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> in = inputs(m, true);
      NDArray g = m.randomNormal(0, 1, new Shape(B, D, L), DataType.FLOAT64);
      NDArray gState = m.randomNormal(0, 1, new Shape(B, D, N), DataType.FLOAT64);
      ReferenceScan scan = new ReferenceScan();
      Supplier<NDArray> loss = () -> {
        ScanOutputs o = scan.scan(of(in, reverse));
        return o.out().mul(g).sum().add(o.lastState().mul(gState).sum());
      };
      for (Map.Entry<String, NDArray> e : in.entrySet()) {
        GradCheck.check(e.getKey(), loss, e.getValue(), 16, 1e-6);
      }
    }
  }

  @Test
  void reverseEqualsForwardOnFlippedInputs() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> in = inputs(m, false);
      ScanOutputs rev = new ReferenceScan().scan(of(in, true));
      Map<String, NDArray> flipped = new LinkedHashMap<>(in);
      for (String k : new String[] {"u", "delta", "B", "C", "z"}) {
        flipped.put(k, in.get(k).flip(2));
      }
      ScanOutputs fwd = new ReferenceScan().scan(of(flipped, false));
      assertThat(rev.out().flip(2).sub(fwd.out()).abs().max().getDouble()).isLessThan(1e-12);
      assertThat(rev.lastState().sub(fwd.lastState()).abs().max().getDouble()).isLessThan(1e-12);
    }
  }

  @Test
  void scanningInTwoPiecesWithTheCarriedStateEqualsOneScan() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> in = inputs(m, false);
      ScanOutputs whole = new ReferenceScan().scan(of(in, false));
      Map<String, NDArray> first = new LinkedHashMap<>(in);
      Map<String, NDArray> second = new LinkedHashMap<>(in);
      for (String k : new String[] {"u", "delta", "B", "C", "z"}) {
        first.put(k, in.get(k).get(":, :, :2"));
        second.put(k, in.get(k).get(":, :, 2:"));
      }
      ScanOutputs a = new ReferenceScan().scan(of(first, false));
      second.put("h0", a.lastState());
      ScanOutputs b = new ReferenceScan().scan(of(second, false));
      NDArray joined = a.out().concat(b.out(), 2);
      assertThat(joined.sub(whole.out()).abs().max().getDouble()).isLessThan(1e-12);
      assertThat(b.lastState().sub(whole.lastState()).abs().max().getDouble()).isLessThan(1e-12);
    }
  }

  @Test
  void badInputNamesTheTensorAndTheExpectedShape() {
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> in = inputs(m, false);
      in.put("B", m.zeros(new Shape(B, N, L + 1), DataType.FLOAT64));
      assertThatThrownBy(() -> new ReferenceScan().scan(of(in, false)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("B must have shape (B, N, L) = (2, 4, 5)");
      Map<String, NDArray> in2 = inputs(m, false);
      in2.put("A", m.zeros(new Shape(D + 1, N), DataType.FLOAT64));
      assertThatThrownBy(() -> new ReferenceScan().scan(of(in2, false)))
          .hasMessageContaining("A must have shape (D, N) = (3, *)");
      Map<String, NDArray> in3 = inputs(m, false);
      in3.put("u", m.zeros(new Shape(B, D), DataType.FLOAT64));
      assertThatThrownBy(() -> new ReferenceScan().scan(of(in3, false)))
          .hasMessageContaining("u must have shape (B, D, L)");
      Map<String, NDArray> in4 = inputs(m, false);
      NDArray z = in4.get("z").duplicate();
      z.set(new ai.djl.ndarray.index.NDIndex(1, 2, 3), Double.NaN);
      in4.put("z", z);
      assertThatThrownBy(() -> new ReferenceScan().scan(of(in4, false)))
          .hasMessageContaining("z contains NaN");
    }
  }
}
