package org.mambamixer.timeseries.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import org.mambamixer.api.block.FeatureLayerNorm;
import org.mambamixer.api.block.ResidualSublayer;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.ssm.S6Config;

/**
 * The exogenous path of TSM2 (spec §6, following TSMixer's extended model): auxiliary inputs are
 * projected to the lookback length so they can be concatenated with the history along time.
 *
 * <pre>
 *   S (B, M, C_S)       -> Linear_stat                                   -> (B, T, M)
 *   Z (B, M, T_Z, C_Z)  -> Z + bidirectional selective mixer across variates (pre-norm)
 *                       -> flatten (T_Z * C_Z) -> Linear_future           -> (B, T, M)
 * </pre>
 *
 * Forward inputs: the future covariates (if configured), then the static features (if
 * configured); outputs in the same order.
 */
public final class AuxiliaryInputs extends AbstractBlock {
  private final Tsm2Config.Exogenous ex;
  private final ResidualSublayer futureMixer;
  private final Linear futureProj;
  private final Linear staticProj;

  public AuxiliaryInputs(Tsm2Config config, SelectiveScan scan) {
    ex = config.exogenous();
    int t = config.lookback();
    if (ex.hasFuture()) {
      S6Config ssm = new S6Config(ex.futureFeatures(), 2, 8, Math.min(4, config.variates()), 1,
          1e-3f, 1e-1f, 1e-4f);
      // A pre-norm residual sublayer, like the backbone's: the covariates reach the projection
      // linearly, and the mixer adds what it learns across variates.
      futureMixer = addChildBlock("future_mixer", new ResidualSublayer(
          new FeatureLayerNorm(ex.futureFeatures(), 1e-5f),
          new SelectiveMixer(ssm, 1, List.of(ScanRoute.FORWARD, ScanRoute.BACKWARD), scan), true));
      futureProj = addChildBlock("future_proj", Linear.builder().setUnits(t).build());
      futureProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    } else {
      futureMixer = null;
      futureProj = null;
    }
    if (ex.hasStatic()) {
      staticProj = addChildBlock("static_proj", Linear.builder().setUnits(t).build());
      staticProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    } else {
      staticProj = null;
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList out = new NDList();
    int i = 0;
    if (ex.hasFuture()) {
      NDArray z = inputs.get(i++); // (B, M, T_Z, C_Z)
      Shape s = z.getShape();
      NDArray mixed = futureMixer.forward(ps, new NDList(z), training).singletonOrThrow();
      NDArray flat = mixed.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
      out.add(futureProj.forward(ps, new NDList(flat), training).singletonOrThrow()
          .transpose(0, 2, 1)); // (B, T, M)
    }
    if (ex.hasStatic()) {
      NDArray st = inputs.get(i); // (B, M, C_S)
      out.add(staticProj.forward(ps, new NDList(st), training).singletonOrThrow()
          .transpose(0, 2, 1)); // (B, T, M)
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    int i = 0;
    if (ex.hasFuture()) {
      Shape z = inputShapes[i++];
      futureMixer.initialize(manager, dataType, z);
      futureProj.initialize(manager, dataType, new Shape(z.get(0), z.get(1), z.get(2) * z.get(3)));
    }
    if (ex.hasStatic()) {
      staticProj.initialize(manager, dataType, inputShapes[i]);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException("output shapes follow Tsm2Config.lookback");
  }
}
