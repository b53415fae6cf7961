package org.mambamixer.ablations.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;

/**
 * One linear map over the token axis, shared by every feature: the time mixer of the paper's
 * "Mamba + Linear time" ablation of TSM2 (spec §7; paired there with the unidirectional
 * {@code selective} channel mixer), a TSMixer-like dense layer over the patches.
 *
 * <pre>
 *   x (B, ..., L, ..., D) -> L moved last: (B, ..., D, ..., L)
 *   y = x W^T + b                W (L, L), b (L)
 *   L moved back -> (B, ..., L, ..., D)
 * </pre>
 *
 * L is read from the input shape at initialization; the weights are L by L, so the block serves
 * that one token count and rejects any other, naming both.
 */
public final class LinearTokenMixer extends AbstractBlock implements TokenMixer {
  private final MixedAxis axis;
  private final Parameter weight;
  private final Parameter bias;

  public LinearTokenMixer(MixerSpec spec) {
    axis = new MixedAxis(spec.tokenAxis(), spec.dModel());
    weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
        .optInitializer(Init.FAN_IN_UNIFORM).build()); // shaped by prepare
    bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
        .optInitializer(Initializer.ZEROS).build());
  }

  /** Sizes the weights by the token count of the first input, as DJL's Linear sizes its fan-in. */
  @Override
  protected void prepare(Shape[] inputShapes) {
    long l = axis.length(inputShapes[0]);
    weight.setShape(new Shape(l, l));
    bias.setShape(new Shape(l));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, ..., L, ..., D)
    NDArray w = ps.getValue(weight, x.getDevice(), training); // (L, L)
    // L comes from the weights, not from prepare, so loaded parameters are checked too.
    axis.requireLength(x.getShape(), w.getShape().get(1), "this linear token mixer");
    int last = x.getShape().dimension() - 1;
    NDArray y = Linear.linear(x.swapAxes(axis.axis(), last), w,
        ps.getValue(bias, x.getDevice(), training)).singletonOrThrow(); // (B, ..., D, ..., L)
    return new NDList(y.swapAxes(axis.axis(), last));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  /** {@code linear} in the token-mixer registry. */
  public static final class Factory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new LinearTokenMixer(spec);
    }

    @Override
    public String description() {
      return "one Linear(L->L) over the tokens (\"Mamba + Linear time\"); tied to one token count";
    }
  }
}
