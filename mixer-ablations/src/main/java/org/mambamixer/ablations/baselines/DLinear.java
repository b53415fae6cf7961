package org.mambamixer.ablations.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.util.Scalars;
import org.mambamixer.api.util.Tensors;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * DLinear (Zeng et al. 2023, "Are Transformers Effective for Time Series Forecasting?"): the
 * series is split by a moving average into trend and remainder, and one linear map over time each
 * forecasts the horizon, shared by every variate.
 *
 * <pre>
 *   x (B, T, M) -> (B, M, T)
 *   trend = moving average, kernel 25, ends padded with their edge values     (B, M, T)
 *   y = Linear_T->H(trend) + Linear_T->H(x - trend)                           (B, M, H)
 *   -> (B, H, M)
 * </pre>
 *
 * No patching, no normalisation, no mixers: a baseline of how much a linear model gets.
 */
public final class DLinear extends AbstractBlock implements ForecastModel {
  /** The moving-average kernel of the paper's code. */
  static final int KERNEL = 25;

  private final Tsm2Config config;
  private final Linear trend;
  private final Linear seasonal;

  public DLinear(Tsm2Config config) {
    this.config = config;
    trend = addChildBlock("trend", Linear.builder().setUnits(config.horizon()).build());
    trend.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    seasonal = addChildBlock("seasonal", Linear.builder().setUnits(config.horizon()).build());
    seasonal.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    Tensors.requireShape("x", x, "(B, T, M)", -1, config.lookback(), config.variates());
    NDArray series = x.transpose(0, 2, 1); // (B, M, T)
    NDArray t = movingAverage(series); // (B, M, T)
    NDArray y = trend.forward(ps, new NDList(t), training).singletonOrThrow()
        .add(seasonal.forward(ps, new NDList(series.sub(t)), training).singletonOrThrow());
    return new NDList(y.transpose(0, 2, 1)); // (B, H, M)
  }

  /** Mean over a window of KERNEL steps centred on each step, through a cumulative sum. */
  static NDArray movingAverage(NDArray series) {
    long len = series.getShape().get(2);
    int half = (KERNEL - 1) / 2;
    NDArray first = series.get(new NDIndex(":, :, :1")).repeat(2, half);
    NDArray last = series.get(new NDIndex(":, :, -1:")).repeat(2, half);
    NDArray padded = NDArrays.concat(new NDList(first, series, last), 2); // (B, M, T + K - 1)
    NDArray zero = padded.get(new NDIndex(":, :, :1")).zerosLike();
    NDArray cs = NDArrays.concat(new NDList(zero, padded.cumSum(2)), 2); // (B, M, T + K)
    return Scalars.over(
        cs.get(new NDIndex(":, :, {}:", KERNEL)).sub(cs.get(new NDIndex(":, :, :{}", len))), KERNEL);
  }

  @Override
  public Shape[] inputShapes(long b) {
    return new Shape[] {new Shape(b, config.lookback(), config.variates())};
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.horizon(), config.variates())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape series = new Shape(inputShapes[0].get(0), config.variates(), config.lookback());
    trend.initialize(manager, dataType, series);
    seasonal.initialize(manager, dataType, series);
  }

  /** {@code dlinear} in the forecast-model registry, with its authors' recipe per dataset. */
  public static final class Factory implements ForecastModel.Factory {
    /**
     * The authors' ETTh1 settings (LTSF-Linear {@code scripts/EXP-LongForecasting/Linear}):
     * lookback 336, Adam at 5e-3 without weight decay, batch 32, 10 epochs, patience 3, and their
     * {@code lradj type1}: two epochs at the peak, then halved every epoch. A series without its
     * own script gets this one.
     */
    static final ForecastRecipe RECIPE = script(32, 5e-3f);

    /** The same scripts' batch and rate per dataset; everything else as ETTh1's. */
    private static final Map<String, ForecastRecipe> BY_DATASET = Map.of(
        "etth1", RECIPE,
        "etth2", script(32, 0.05f),
        "ettm1", script(8, 1e-4f),
        "ettm2", script(32, 1e-3f),
        "weather", script(16, 1e-4f));

    private static ForecastRecipe script(int batch, float lr) {
      return new ForecastRecipe(336, c -> c,
          new TrainConfig(10, batch, 256, lr, 0f, 0, 0f, 3, 0, 2021).withLrDecay("type1"));
    }

    @Override
    public Optional<ForecastRecipe> recipe(String dataset) {
      return Optional.of(BY_DATASET.getOrDefault(dataset.toLowerCase(Locale.ROOT), RECIPE));
    }

    @Override
    public MixerChoice variants() {
      return MixerChoice.DEFAULT; // unused: DLinear has no mixers
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      return new DLinear(config);
    }

    @Override
    public String description() {
      return "DLinear: moving-average decomposition, one linear map over time per part";
    }
  }
}
