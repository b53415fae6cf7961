package org.mambamixer.ablations.baselines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.util.Tensors;
import org.mambamixer.cuda.bridge.FeatureMlpOp;
import org.mambamixer.cuda.cpu.FeatureMlpKernel;
import org.mambamixer.timeseries.model.ForecastModel;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.RevIn;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * TSMixer (Chen et al. 2023, "TSMixer: An All-MLP Architecture for Time Series Forecasting"), the
 * model with reversible instance normalisation of its long-horizon benchmarks: no patches and no
 * embedding, the MLPs work on the raw time steps and the variates.
 *
 * <pre>
 *   x (B, L, M) -> RevIN                                                  (B, L, M)
 *     -> n x {@link TsMixerBlock}: time mixing, then feature mixing       (B, L, M)
 *     -> temporal projection: Linear_L->H along time, per variate         (B, H, M)
 *     -> RevIN inverse
 * </pre>
 *
 * Its config reuses TSM2's fields: {@code layers} is the number of mixer blocks, {@code dModel}
 * the hidden width of the feature MLP, {@code dropout} the dropout of every MLP.
 */
public final class TsMixer extends AbstractBlock implements ForecastModel {
  private final Tsm2Config config;
  private final RevIn revin;
  private final List<TsMixerBlock> blocks = new ArrayList<>();
  private final Linear projection;

  /** @param fused the feature MLPs as one op each, or null for the engine's ops */
  public TsMixer(Tsm2Config config, FeatureMlpOp fused) {
    this.config = config;
    revin = config.revin() ? addChildBlock("revin", new RevIn(config.variates())) : null;
    for (int i = 0; i < config.layers(); i++) {
      blocks.add(addChildBlock("block" + i, new TsMixerBlock(config.lookback(),
          config.variates(), config.dModel(), config.dropout(), fused)));
    }
    projection = addChildBlock("projection", Init.fanInLinear(config.horizon()));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    Tensors.requireShape("x", x, "(B, T, M)", -1, config.lookback(), config.variates());
    NDList r = revin != null ? revin.forward(ps, new NDList(x), training) : null;
    if (r != null) {
      x = r.get(0);
    }
    for (TsMixerBlock block : blocks) {
      x = block.forward(ps, new NDList(x), training).singletonOrThrow();
    }
    NDArray y = projection.forward(ps, new NDList(x.transpose(0, 2, 1)), training)
        .singletonOrThrow().transpose(0, 2, 1); // (B, H, M)
    return new NDList(r != null ? revin.denormalize(ps, y, r.get(1), r.get(2), training) : y);
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
    Shape x = inputShapes[0];
    if (revin != null) {
      revin.initialize(manager, dataType, x);
    }
    for (TsMixerBlock block : blocks) {
      block.initialize(manager, dataType, x);
    }
    projection.initialize(manager, dataType, new Shape(x.get(0), x.get(2), x.get(1)));
  }

  /** {@code tsmixer} in the forecast-model registry, with the paper's recipe per dataset. */
  public static final class Factory implements ForecastModel.Factory {
    /**
     * The reference code's tuned ETTh1 settings at lookback 512 (google-research/tsmixer,
     * {@code tsmixer_basic}: 6 blocks, feature-MLP width 512, dropout 0.9, Adam at a constant
     * 1e-4, batch 32, up to 100 epochs, early stopping after 5 epochs without a better
     * validation loss, best weights restored); a series without its own recipe gets this one.
     */
    static final ForecastRecipe RECIPE = tuned(1e-4f, 6, 0.9f, 512);

    /**
     * Horizon 96's settings per dataset (learning rate, blocks, dropout, feature-MLP width; the
     * rest as ETTh1's). ETTm2 and weather: the reference code's {@code run_tuned_hparam.sh};
     * ETTh2 and ETTm1, for which it has none: the paper's appendix table, as copied into public
     * scripts (docs/results-ablations.md, "Sources of the recipes").
     */
    private static final Map<String, ForecastRecipe> BY_DATASET = Map.of(
        "etth1", RECIPE,
        "etth2", tuned(1e-4f, 4, 0.9f, 8),
        "ettm1", tuned(1e-4f, 6, 0.9f, 16),
        "ettm2", tuned(1e-3f, 2, 0.9f, 64),
        "weather", tuned(1e-4f, 4, 0.3f, 32));

    private static ForecastRecipe tuned(float lr, int blocks, float dropout, int width) {
      return new ForecastRecipe(512,
          c -> c.withModel(width, blocks).withDropout(dropout).withRevin(true),
          new TrainConfig(100, 32, 256, lr, lr, 0, 0f, 5, 0, 2021));
    }

    @Override
    public Optional<ForecastRecipe> recipe(String dataset) {
      return Optional.of(BY_DATASET.getOrDefault(dataset.toLowerCase(Locale.ROOT), RECIPE));
    }

    @Override
    public MixerChoice variants() {
      return MixerChoice.DEFAULT; // unused: TSMixer's MLPs are its own, not mixer plugins
    }

    @Override
    public ForecastModel create(Tsm2Config config, Variants variants, SelectiveScan scan) {
      // The backend that fuses the mixers fuses this MLP too; the reference keeps engine ops.
      boolean fuse = scan.defersGradients() && config.dModel() % 8 == 0;
      return new TsMixer(config, fuse ? new FeatureMlpOp(new FeatureMlpKernel()) : null);
    }

    @Override
    public String description() {
      return "TSMixer (Chen et al. 2023): RevIN, MLPs over time steps and over variates, linear"
          + " projection to the horizon";
    }
  }
}
