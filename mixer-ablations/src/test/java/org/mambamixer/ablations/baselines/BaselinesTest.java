package org.mambamixer.ablations.baselines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.ablations.ToySeries;
import org.mambamixer.ablations.cli.Main;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.ForecastRun;
import org.mambamixer.timeseries.train.TrainConfig;
import org.mambamixer.timeseries.train.TrainedRun;

/** The forecasting baselines: DLinear's decomposition, and every baseline trained by name. */
class BaselinesTest {

  @Test
  void movingAverageKeepsConstantsAndInteriorRamps() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray flat = m.full(new Shape(1, 2, 40), 3f);
      assertThat(DLinear.movingAverage(flat).toFloatArray()).containsOnly(3f);
      NDArray ramp = m.arange(0f, 40f).reshape(1, 1, 40); // (B, M, T)
      float[] t = DLinear.movingAverage(ramp).toFloatArray();
      assertThat(t).hasSize(40);
      for (int i = 12; i < 28; i++) { // away from the padded ends a centred mean keeps a line
        assertThat(t[i]).isCloseTo(i, org.assertj.core.data.Offset.offset(1e-4f));
      }
      // At the ends the edge value is repeated: the first mean is pulled towards the start.
      assertThat(t[0]).isCloseTo((0f * 12 + 78f) / 25, org.assertj.core.data.Offset.offset(1e-4f));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dlinear", "patchtst", "tsmixer", "tsm2-attention", "tsm2-mlp-mixers"})
  void eachBaselineTrainsByNameAndReloads(String model, @TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 300, 2);
    Path runDir = tmp.resolve("run");
    StringWriter out = new StringWriter();
    assertThat(Main.run(new String[] {"forecast", "--model", model, "--data", csv.toString(),
        "--lookback", "32", "--horizon", "8", "--epochs", "1", "--max-batches", "3", "--d-model",
        "8", "--layers", "1", "--scan", "cpu", "--run-dir", runDir.toString()},
        new PrintWriter(out, true), new PrintWriter(out, true))).as(out.toString()).isZero();
    ForecastRun.Spec spec = ForecastRun.readSpec(runDir.resolve("H8/config.json"));
    assertThat(spec.architecture()).isEqualTo(model);
    try (TrainedRun run = TrainedRun.open(runDir.resolve("H8"), Assembled.catalog(), "cpu");
        var p = run.newPredictor()) {
      float[][] history = new float[32][2];
      assertThat(p.predict(history)).hasDimensions(8, 2);
    }
  }

  /**
   * {@code --model tsmixer} alone runs at the paper's recipe, recorded in config.json; a typed
   * flag overrides its one setting and leaves the others.
   */
  @Test
  void tsmixerNamedAloneRunsAtItsRecipeAndAFlagOverridesOneSetting(@TempDir Path tmp)
      throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 1100, 2);
    Path runDir = tmp.resolve("run");
    StringWriter out = new StringWriter();
    assertThat(Main.run(new String[] {"forecast", "--model", "tsmixer", "--data", csv.toString(),
        "--horizon", "8", "--epochs", "1", "--max-batches", "1", "--lr", "3e-4", "--scan", "cpu",
        "--run-dir", runDir.toString()}, new PrintWriter(out, true), new PrintWriter(out, true)))
        .as(out.toString()).isZero();
    ForecastRun.Spec spec = ForecastRun.readSpec(runDir.resolve("H8/config.json"));
    assertThat(spec.model().lookback()).isEqualTo(512);
    assertThat(spec.model().layers()).isEqualTo(6);
    assertThat(spec.model().dModel()).isEqualTo(512);
    assertThat(spec.model().dropout()).isEqualTo(0.9f);
    TrainConfig recipe = TsMixer.Factory.RECIPE.train();
    assertThat(spec.train().batchSize()).isEqualTo(recipe.batchSize()).isEqualTo(32);
    assertThat(spec.train().patience()).isEqualTo(5);
    assertThat(spec.train().weightDecay()).isZero();
    assertThat(spec.train().lr()).isEqualTo(3e-4f);
  }

  /**
   * DLinear's recipe trains with its authors' type1 schedule, recorded in config.json so a rerun
   * from it trains the same; {@code --lr-decay} replaces it, and a bad name is a usage error.
   */
  @Test
  void dlinearHalvesItsRateAsItsAuthorsAndTheFlagReplacesTheSchedule(@TempDir Path tmp)
      throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 1100, 2);
    StringWriter out = new StringWriter();
    String[] base = {"forecast", "--model", "dlinear", "--data", csv.toString(), "--horizon", "8",
        "--epochs", "1", "--max-batches", "1", "--scan", "cpu", "--run-dir"};
    assertThat(Main.run(concat(base, tmp.resolve("recipe").toString()),
        new PrintWriter(out, true), new PrintWriter(out, true))).as(out.toString()).isZero();
    TrainConfig recipe = ForecastRun.readSpec(tmp.resolve("recipe/H8/config.json")).train();
    assertThat(recipe.lrDecay()).isEqualTo("type1");
    assertThat(recipe.withEpochs(10).lrAt(2, 0)).isCloseTo(2.5e-3, within(1e-9));
    assertThat(Main.run(concat(base, tmp.resolve("cosine").toString(), "--lr-decay", "cosine"),
        new PrintWriter(out, true), new PrintWriter(out, true))).as(out.toString()).isZero();
    TrainConfig cosine = ForecastRun.readSpec(tmp.resolve("cosine/H8/config.json")).train();
    assertThat(cosine.withEpochs(10).lrAt(2, 0)).isGreaterThan(4e-3);
    StringWriter err = new StringWriter();
    assertThat(Main.run(concat(base, tmp.resolve("bad").toString(), "--lr-decay", "type2"),
        new PrintWriter(new StringWriter()), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString()).contains("unknown learning-rate schedule 'type2'");
    assertThat(tmp.resolve("bad")).doesNotExist();
  }

  private static String[] concat(String[] head, String... tail) {
    String[] all = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  /**
   * Named alone, a baseline takes its authors' settings for the dataset, found by the series'
   * name whatever its case; a series they never ran gets their ETTh1 recipe.
   */
  @Test
  void recipesFollowTheAuthorsScriptsPerDataset() {
    TsMixer.Factory tsmixer = new TsMixer.Factory();
    Tsm2Config preset = Tsm2Config.preset("ETTh2", 512, 7);
    ForecastRecipe etth2 = tsmixer.recipe("etth2").orElseThrow();
    assertThat(etth2.shape().apply(preset).layers()).isEqualTo(4);
    assertThat(etth2.shape().apply(preset).dModel()).isEqualTo(8);
    ForecastRecipe ettm2 = tsmixer.recipe("ETTm2").orElseThrow();
    assertThat(ettm2.train().lr()).isEqualTo(1e-3f);
    assertThat(ettm2.train().minLr()).as("constant rate").isEqualTo(1e-3f);
    assertThat(tsmixer.recipe("weather").orElseThrow().shape().apply(preset).dropout())
        .isEqualTo(0.3f);
    assertThat(tsmixer.recipe("my-sensors").orElseThrow()).isSameAs(TsMixer.Factory.RECIPE);
    DLinear.Factory dlinear = new DLinear.Factory();
    assertThat(dlinear.recipe("ETTh2").orElseThrow().train().lr()).isEqualTo(0.05f);
    assertThat(dlinear.recipe("ETTm1").orElseThrow().train().batchSize()).isEqualTo(8);
    assertThat(dlinear.recipe("ETTm1").orElseThrow().train().lrDecay()).isEqualTo("type1");
    assertThat(dlinear.recipe("my-sensors").orElseThrow()).isSameAs(DLinear.Factory.RECIPE);
    assertThat(new PatchTst.Factory().recipe("ETTm1").orElseThrow())
        .isSameAs(PatchTst.Factory.RECIPE);
  }

  /** {@code onecycle} over 100 epochs of 10 batches: peak / 25 first, the peak at batch 399. */
  @Test
  void aOneCycleMovesEveryBatch() {
    TrainConfig t = new TrainConfig(100, 128, 256, 1e-4f, 0f, 0, 0f, 20, 0, 2021)
        .withLrDecay("onecycle:0.4");
    assertThat(t.lr(0, 0, 10, 0)).isCloseTo(4e-6f, within(1e-10f));
    assertThat(t.lr(39, 9, 10, 0)).isCloseTo(1e-4f, within(1e-9f));
    assertThat(t.lr(99, 9, 10, 0)).isCloseTo(4e-10f, within(1e-12f));
    assertThat(t.lr(39, 8, 10, 0)).isLessThan(t.lr(39, 9, 10, 0));
  }


  /** The command finds the recipe by the series' name: a file named weather runs weather's. */
  @Test
  void theCommandTakesTheRecipeOfTheSeriesName(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("weather.csv"), 1100, 21);
    Path runDir = tmp.resolve("run");
    StringWriter out = new StringWriter();
    assertThat(Main.run(new String[] {"forecast", "--model", "tsmixer", "--data", csv.toString(),
        "--horizon", "8", "--epochs", "1", "--max-batches", "1", "--scan", "cpu",
        "--run-dir", runDir.toString()}, new PrintWriter(out, true), new PrintWriter(out, true)))
        .as(out.toString()).isZero();
    ForecastRun.Spec spec = ForecastRun.readSpec(runDir.resolve("H8/config.json"));
    assertThat(spec.model().layers()).isEqualTo(4);
    assertThat(spec.model().dModel()).isEqualTo(32);
    assertThat(spec.model().dropout()).isEqualTo(0.3f);
  }

  @Test
  void tsm2KeepsItsDatasetPresetAndBudget(@TempDir Path tmp) throws Exception {
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 300, 2);
    Path runDir = tmp.resolve("run");
    StringWriter out = new StringWriter();
    assertThat(Main.run(new String[] {"forecast", "--data", csv.toString(), "--horizon", "8",
        "--epochs", "1", "--max-batches", "1", "--layers", "1", "--scan", "cpu", "--run-dir",
        runDir.toString()}, new PrintWriter(out, true), new PrintWriter(out, true)))
        .as(out.toString()).isZero();
    ForecastRun.Spec spec = ForecastRun.readSpec(runDir.resolve("H8/config.json"));
    assertThat(spec.train().lr()).isEqualTo(TrainConfig.quick().lr());
    assertThat(spec.train().weightDecay()).isEqualTo(TrainConfig.quick().weightDecay());
  }

  @Test
  void anUnknownModelListsTheKnownOnes() {
    StringWriter err = new StringWriter();
    assertThat(Main.run(new String[] {"forecast", "--dataset", "ETTh1", "--model", "prophet"},
        new PrintWriter(new StringWriter()), new PrintWriter(err, true))).isEqualTo(2);
    assertThat(err.toString())
        .contains("unknown forecast model 'prophet'; known: dlinear, patchtst, tsm2,"
            + " tsm2-attention, tsm2-mlp-mixers, tsmixer");
  }
}
