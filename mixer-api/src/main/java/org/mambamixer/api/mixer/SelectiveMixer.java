package org.mambamixer.api.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.ssm.S6;
import org.mambamixer.api.ssm.S6Config;

/**
 * A selective mixer along one axis (spec D3, D6): the paper's token mixer when the axis is the
 * token axis, its channel mixer when the axis is the channel (variate) axis.
 *
 * <pre>
 *   x (..., S, ..., D): axis `axis` is the sequence S, the last axis the features D, the rest batch
 *   in_proj (no bias) -> x (Bt, S, E), z (Bt, S, E)
 *   y = sum over routes r of S6_r(x) * silu(z)       each route its own conv/x_proj/dt/A/D
 *                                                    (one op where the backend fuses it)
 *   out = out_proj(y) (no bias), back to the input's layout
 * </pre>
 *
 * One forward route is exactly Mamba's block; forward + backward routes are Vim's bidirectional
 * "v2" block with a shared gate.
 */
public class SelectiveMixer extends AbstractBlock {
  private final S6Config config;
  private final int axis;
  private final Linear inProj;
  private final Linear outProj;
  private final List<S6> routes = new ArrayList<>();
  private final SelectiveScan scan;

  /**
   * @param axis the sequence axis of the input; must not be the first (batch) or last (feature)
   */
  public SelectiveMixer(S6Config config, int axis, List<ScanRoute> routes, SelectiveScan scan) {
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("routes must name at least one scan route");
    }
    if (axis < 1) {
      throw new IllegalArgumentException("axis must be >= 1 (axis 0 is the batch), got " + axis);
    }
    this.config = config;
    this.axis = axis;
    this.scan = scan;
    inProj = addChildBlock("in_proj",
        Linear.builder().setUnits(2L * config.dInner()).optBias(false).build());
    inProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    for (ScanRoute r : routes) {
      this.routes.add(addChildBlock("s6_" + r.name(), new S6(config, r, scan)));
    }
    outProj = addChildBlock("out_proj",
        Linear.builder().setUnits(config.dModel()).optBias(false).build());
    outProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  public int axis() {
    return axis;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    Shape shape = input.getShape();
    int rank = shape.dimension();
    checkInput(shape);
    // Put the sequence axis next to the features and fold every other axis into the batch.
    NDArray moved = input.swapAxes(axis, rank - 2); // (..., S, D)
    Shape movedShape = moved.getShape();
    long seq = shape.get(axis);
    NDArray x3 = moved.reshape(-1, seq, config.dModel()); // (Bt, S, D)
    NDArray xz = inProj.forward(ps, new NDList(x3), training).singletonOrThrow(); // (Bt, S, 2E)
    Optional<FusedMixer> fused = scan.fusedMixer();
    NDArray yT = fused.isPresent() // (Bt, S, E)
        ? fused.get().forward(xz, routes.stream()
            .map(r -> r.weights(ps, input.getDevice(), training, null)).toList())
        : routed(ps, xz, training);
    NDArray out = outProj.forward(ps, new NDList(yT), training).singletonOrThrow(); // (Bt, S, D)
    return new NDList(out.reshape(movedShape).swapAxes(axis, rank - 2));
  }

  /** The gated sum of the routes' S6, one route at a time: y (Bt, S, E) from xz (Bt, S, 2E). */
  private NDArray routed(ParameterStore ps, NDArray xz, boolean training) {
    NDList halves = xz.split(2, 2); // 2 x (Bt, S, E)
    NDArray x = halves.get(0);
    NDArray zT = halves.get(1).transpose(0, 2, 1); // (Bt, E, S)
    NDArray y = null;
    try (Backprop.Siblings s = Backprop.siblings()) { // no route reads another's output
      for (S6 route : routes) {
        s.next();
        NDArray yr = route.forward(ps, new NDList(x, zT), training).singletonOrThrow(); // (Bt, E, S)
        y = y == null ? yr : y.add(yr);
      }
    }
    return y.transpose(0, 2, 1);
  }

  private void checkInput(Shape shape) {
    int rank = shape.dimension();
    if (axis >= rank - 1) {
      throw new IllegalArgumentException("input of rank " + rank + " " + shape
          + " has no sequence axis " + axis + " before the feature axis");
    }
    if (shape.get(rank - 1) != config.dModel()) {
      throw new IllegalArgumentException("input must have d_model = " + config.dModel()
          + " features on its last axis but has shape " + shape);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape shape = inputShapes[0];
    checkInput(shape);
    long seq = shape.get(axis);
    long bt = shape.size() / (seq * config.dModel());
    Shape x3 = new Shape(bt, seq, config.dModel());
    inProj.initialize(manager, dataType, x3);
    Shape xe = new Shape(bt, seq, config.dInner());
    for (S6 r : routes) {
      r.initialize(manager, dataType, xe);
    }
    outProj.initialize(manager, dataType, xe);
  }
}
