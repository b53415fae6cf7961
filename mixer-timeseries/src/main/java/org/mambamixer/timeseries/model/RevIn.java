package org.mambamixer.timeseries.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Reversible instance normalisation (D10): each window's variates are standardised by their own
 * mean and standard deviation over time, with a learnable per-variate affine map, and forecasts
 * are mapped back with the same statistics. Removes the level shifts between train and test
 * periods that otherwise dominate ETT errors.
 *
 * <p>Forward: {@code x (B, T, M)} to {@code [xn (B, T, M), mean (B, 1, M), std (B, 1, M)]}.
 */
public final class RevIn extends AbstractBlock {
  private static final float EPS = 1e-5f;
  private final Parameter weight;
  private final Parameter bias;

  public RevIn(int variates) {
    weight = addParameter(Parameter.builder().setName("affine_weight")
        .setType(Parameter.Type.GAMMA).optShape(new Shape(variates))
        .optInitializer(Initializer.ONES).build());
    bias = addParameter(Parameter.builder().setName("affine_bias")
        .setType(Parameter.Type.BETA).optShape(new Shape(variates))
        .optInitializer(Initializer.ZEROS).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, T, M)
    // Statistics are constants of the window: no gradient flows through them (as in RevIN).
    NDArray mean = x.mean(new int[] {1}, true).stopGradient(); // (B, 1, M)
    NDArray std = x.sub(mean).square().mean(new int[] {1}, true).add(EPS).sqrt().stopGradient();
    NDArray w = ps.getValue(weight, x.getDevice(), training);
    NDArray b = ps.getValue(bias, x.getDevice(), training);
    return new NDList(x.sub(mean).div(std).mul(w).add(b), mean, std);
  }

  /** Maps a forecast {@code y (B, H, M)} back to the window's scale. */
  public NDArray denormalize(ParameterStore ps, NDArray y, NDArray mean, NDArray std,
      boolean training) {
    NDArray w = ps.getValue(weight, y.getDevice(), training);
    NDArray b = ps.getValue(bias, y.getDevice(), training);
    return y.sub(b).div(w.add(EPS * EPS)).mul(std).add(mean);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    Shape stat = new Shape(x.get(0), 1, x.get(2));
    return new Shape[] {x, stat, stat};
  }
}
