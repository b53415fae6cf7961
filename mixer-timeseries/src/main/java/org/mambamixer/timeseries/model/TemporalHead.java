package org.mambamixer.timeseries.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.mambamixer.api.ssm.Init;

/**
 * The "temporal projection" head: each variate's patches x features are flattened and mapped to
 * the horizon by one Linear shared across variates.
 *
 * <pre>
 *   (B, M, Np, D) -> (B, M, Np * D) -> dropout -> Linear -> (B, M, H) -> (B, H, M)
 * </pre>
 */
public final class TemporalHead extends AbstractBlock {
  private final Dropout dropout;
  private final Linear proj;

  public TemporalHead(int horizon, float dropoutRate) {
    dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
    proj = addChildBlock("proj", Linear.builder().setUnits(horizon).optBias(true).build());
    proj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    NDArray flat = x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)); // (B, M, Np * D)
    NDArray dropped = dropout.forward(ps, new NDList(flat), training).singletonOrThrow();
    NDArray y = proj.forward(ps, new NDList(dropped), training).singletonOrThrow(); // (B, M, H)
    return new NDList(y.transpose(0, 2, 1));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    Shape flat = new Shape(s.get(0), s.get(1), s.get(2) * s.get(3));
    dropout.initialize(manager, dataType, flat);
    proj.initialize(manager, dataType, flat);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    Shape y = proj.getOutputShapes(new Shape[] {new Shape(s.get(0), s.get(1), s.get(2) * s.get(3))})[0];
    return new Shape[] {new Shape(y.get(0), y.get(2), y.get(1))};
  }
}
