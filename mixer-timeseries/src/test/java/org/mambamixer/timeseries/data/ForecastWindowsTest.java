package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ForecastWindowsTest {
  private static final int T = 100;
  private static final int L = 5;
  private static final int H = 3;
  /** value[t][m] = 10 t + m, so every value names its row and variate. */
  private static final float[][] VALUES = new float[T][2]; // (T, M)
  /** 70 / 10 / 20 rows. */
  private static final Splits SPLITS = Splits.of("ramp", SplitRule.RATIO_70_10_20, T);

  private static NDManager manager;

  static {
    for (int t = 0; t < T; t++) {
      VALUES[t] = new float[] {10f * t, 10f * t + 1};
    }
  }

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static float[] rows(int from, int to) {
    float[] out = new float[(to - from) * 2];
    for (int t = from; t < to; t++) {
      out[(t - from) * 2] = 10f * t;
      out[(t - from) * 2 + 1] = 10f * t + 1;
    }
    return out;
  }

  @Test
  void trainWindowsCoverTrainBlockFirstAndLast() {
    ForecastWindows w = ForecastWindows.training(VALUES, SPLITS, L, H, 8, 1);
    assertThat(w.size()).isEqualTo(70 - L - H + 1);
    Record first = w.get(manager, 0);
    assertThat(first.getData().singletonOrThrow().getShape()).isEqualTo(new Shape(L, 2));
    assertThat(first.getData().singletonOrThrow().toFloatArray()).containsExactly(rows(0, 5));
    assertThat(first.getLabels().singletonOrThrow().getShape()).isEqualTo(new Shape(H, 2));
    assertThat(first.getLabels().singletonOrThrow().toFloatArray()).containsExactly(rows(5, 8));
    Record last = w.get(manager, w.size() - 1);
    assertThat(last.getData().singletonOrThrow().toFloatArray()).containsExactly(rows(62, 67));
    assertThat(last.getLabels().singletonOrThrow().toFloatArray()).containsExactly(rows(67, 70));
    assertThatThrownBy(() -> w.get(manager, w.size()))
        .hasMessageContaining("ramp TRAIN: window 63 of 63");
  }

  @Test
  void thinnedAndTruncatedViewsReadTheRightWindows() {
    ForecastWindows w = ForecastWindows.evaluation(VALUES, SPLITS, Split.TEST, L, H, 8); // 18
    float[] x = new float[L * 2];
    float[] y = new float[H * 2];
    WindowSource every4 = w.every(4);
    assertThat(every4.windows()).isEqualTo(5); // 0, 4, 8, 12, 16
    every4.fill(4, x, 0, y, 0);
    assertThat(x).containsExactly(rows(75 + 16, 80 + 16));
    assertThat(y).containsExactly(rows(96, 99));
    WindowSource first3 = every4.first(3);
    assertThat(first3.windows()).isEqualTo(3);
    first3.fill(2, x, 0, y, 0);
    assertThat(x).containsExactly(rows(75 + 8, 80 + 8));
    assertThat(w.first(100)).isSameAs(w);
    assertThat(w.every(1)).isSameAs(w);
    assertThatThrownBy(() -> w.every(0)).hasMessageContaining("k must be >= 1, got 0");
    assertThatThrownBy(() -> w.first(-1)).hasMessageContaining("n must be >= 0, got -1");
  }

  @Test
  void testWindowsLookBackButTargetsStayInTestBlock() {
    ForecastWindows w = ForecastWindows.evaluation(VALUES, SPLITS, Split.TEST, L, H, 8);
    assertThat(w.size()).isEqualTo(20 - H + 1);
    assertThat(w.firstRow()).isEqualTo(80 - L);
    Record first = w.get(manager, 0);
    assertThat(first.getData().singletonOrThrow().toFloatArray()).containsExactly(rows(75, 80));
    assertThat(first.getLabels().singletonOrThrow().toFloatArray()).containsExactly(rows(80, 83));
    Record last = w.get(manager, w.size() - 1);
    assertThat(last.getLabels().singletonOrThrow().toFloatArray()).containsExactly(rows(97, 100));
  }

  @Test
  void evaluationKeepsLastPartialBatchInOrder() throws Exception {
    ForecastWindows w = ForecastWindows.evaluation(VALUES, SPLITS, Split.TEST, L, H, 8);
    List<Integer> sizes = new ArrayList<>();
    int window = 0;
    for (Batch b : w.getData(manager)) {
      try (b) {
        int n = b.getSize();
        sizes.add(n);
        assertThat(b.getData().singletonOrThrow().getShape()).isEqualTo(new Shape(n, L, 2));
        assertThat(b.getLabels().singletonOrThrow().getShape()).isEqualTo(new Shape(n, H, 2));
        float[] labels = b.getLabels().singletonOrThrow().toFloatArray();
        for (int i = 0; i < n; i++, window++) {
          // the first target of window i is row 80 + i
          assertThat(labels[i * H * 2]).isEqualTo(10f * (80 + window));
        }
      }
    }
    assertThat(sizes).containsExactly(8, 8, 2);
    assertThat(window).isEqualTo(18);
  }

  @Test
  void trainingShuffleIsSeededPerEpochAndCoversEveryWindow() throws Exception {
    List<Long> a1 = order(ForecastWindows.training(VALUES, SPLITS, L, H, 8, 42));
    ForecastWindows again = ForecastWindows.training(VALUES, SPLITS, L, H, 8, 42);
    List<Long> b1 = order(again);
    List<Long> b2 = order(again);
    List<Long> c1 = order(ForecastWindows.training(VALUES, SPLITS, L, H, 8, 7));
    assertThat(a1).isEqualTo(b1).isNotEqualTo(b2).isNotEqualTo(c1);
    assertThat(a1).hasSize(63).doesNotHaveDuplicates().isNotEqualTo(a1.stream().sorted().toList());
    assertThat(b2).containsExactlyInAnyOrderElementsOf(a1);
  }

  @Test
  void batchesCarryTheSampledWindows() throws Exception {
    ForecastWindows w = ForecastWindows.training(VALUES, SPLITS, L, H, 8, 3);
    int batches = 0;
    for (Batch b : w.getData(manager)) {
      try (b) {
        batches++;
        float[] data = b.getData().singletonOrThrow().toFloatArray();
        for (int i = 0; i < b.getSize(); i++) {
          long index = (Long) b.getIndices().get(i);
          assertThat(data[i * L * 2]).isEqualTo(10f * index);
        }
      }
    }
    assertThat(batches).isEqualTo(8); // 7 full batches of 8, then 7
  }

  @Test
  void naiveForecastRepeatsLastInput() {
    // Step k after the last input differs by 10 k in every variate.
    NaiveForecast.Result r =
        NaiveForecast.evaluate(ForecastWindows.evaluation(VALUES, SPLITS, Split.TEST, L, H, 4));
    assertThat(r.windows()).isEqualTo(18);
    assertThat(r.mse()).isCloseTo(100.0 * (1 + 4 + 9) / 3, within(1e-9));
    assertThat(r.mae()).isCloseTo(20.0, within(1e-9));
  }

  /** One epoch's window order. */
  private static List<Long> order(ForecastWindows w) throws Exception {
    List<Long> out = new ArrayList<>();
    for (Batch b : w.getData(manager)) {
      try (b) {
        b.getIndices().forEach(i -> out.add((Long) i));
      }
    }
    return out;
  }
}
