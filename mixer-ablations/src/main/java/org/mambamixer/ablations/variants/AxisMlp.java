package org.mambamixer.ablations.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.util.Tensors;

/**
 * MLP-Mixer's mixing MLP (Tolstikhin et al. 2021) along one axis: the S values at every position
 * of the other axes go through the same two-layer MLP.
 *
 * <pre>
 *   x (B, ..., S, ..., D) -> S moved last: (B, ..., D, ..., S)
 *   h = gelu(x W1^T + b1)        W1 (E*S, S), b1 (E*S)        E = expansion
 *   y = h W2^T + b2              W2 (S, E*S), b2 (S)
 *   S moved back -> (B, ..., S, ..., D)
 * </pre>
 *
 * S is read from the input shape at initialization, as DJL's {@code Linear} reads its fan-in. The
 * weights are sized by S, so a block serves the one length it was initialized with (one lookback's
 * patch count, one variate count) and rejects any other, naming both.
 */
public class AxisMlp extends AbstractBlock {
  private final MixedAxis axis;
  private final int expansion;
  private final Parameter fc1Weight;
  private final Parameter fc1Bias;
  private final Parameter fc2Weight;
  private final Parameter fc2Bias;

  /**
   * @param axis the mixed axis of the (B, ..., D) input
   * @param dModel D, the size of the input's last axis
   * @param expansion E: the hidden width is E times the length of the axis
   */
  public AxisMlp(int axis, int dModel, int expansion) {
    this.axis = new MixedAxis(axis, dModel);
    this.expansion = Tensors.requirePositive("expansion", expansion);
    fc1Weight = addParameter(weight("fc1_weight"));
    fc1Bias = addParameter(bias("fc1_bias"));
    fc2Weight = addParameter(weight("fc2_weight"));
    fc2Bias = addParameter(bias("fc2_bias"));
  }

  private static Parameter weight(String name) {
    return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
        .optInitializer(Init.FAN_IN_UNIFORM).build();
  }

  private static Parameter bias(String name) {
    return Parameter.builder().setName(name).setType(Parameter.Type.BIAS)
        .optInitializer(Initializer.ZEROS).build();
  }

  /** The mixed axis of the input. */
  public int axis() {
    return axis.axis();
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long s = axis.length(inputShapes[0]);
    fc1Weight.setShape(new Shape(expansion * s, s));
    fc1Bias.setShape(new Shape(expansion * s));
    fc2Weight.setShape(new Shape(s, expansion * s));
    fc2Bias.setShape(new Shape(s));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, ..., S, ..., D)
    NDArray w1 = ps.getValue(fc1Weight, x.getDevice(), training); // (E*S, S)
    // The length comes from the weights, not from prepare, so loaded parameters are checked too.
    axis.requireLength(x.getShape(), w1.getShape().get(1), "this MLP mixer");
    int last = x.getShape().dimension() - 1;
    NDArray t = x.swapAxes(axis.axis(), last); // (B, ..., D, ..., S)
    NDArray h = Activation.gelu(Linear.linear(t, w1,
        ps.getValue(fc1Bias, x.getDevice(), training)).singletonOrThrow()); // (..., E*S)
    NDArray y = Linear.linear(h, ps.getValue(fc2Weight, x.getDevice(), training),
        ps.getValue(fc2Bias, x.getDevice(), training)).singletonOrThrow(); // (..., S)
    return new NDList(y.swapAxes(axis.axis(), last)); // (B, ..., S, ..., D)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
