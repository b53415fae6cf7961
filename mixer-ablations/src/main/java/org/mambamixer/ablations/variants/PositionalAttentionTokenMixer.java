package org.mambamixer.ablations.variants;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.SelectiveScan;

/**
 * Self-attention that knows where each token is: a learned positional embedding P (L, D) is added
 * to the tokens before {@link AttentionTokenMixer}, as PatchTST and ViT add theirs to the patch
 * embeddings. Here each layer holds its own P (the backbone's input carries none), so, like the
 * MLP and linear variants, it is tied to the token count it was built for.
 *
 * <pre>
 *   x (B, ..., L, ..., D) -> x + P (broadcast over every other axis) -> attention
 * </pre>
 */
public final class PositionalAttentionTokenMixer extends AbstractBlock implements TokenMixer {
  private final MixedAxis axis;
  private final AttentionTokenMixer attention;
  private final Parameter positions; // (L, D)

  public PositionalAttentionTokenMixer(MixerSpec spec) {
    this.axis = new MixedAxis(spec.tokenAxis(), spec.dModel());
    attention = addChildBlock("attention",
        new AttentionTokenMixer(spec, AttentionTokenMixer.defaultHeads(spec.dModel())));
    positions = addParameter(Parameter.builder().setName("positions")
        .setType(Parameter.Type.WEIGHT).optInitializer(new NormalInitializer(0.02f)).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, ..., L, ..., D)
    NDArray p = ps.getValue(positions, x.getDevice(), training); // (L, D)
    axis.requireLength(x.getShape(), p.getShape().get(0), "attention-pos");
    int rank = x.getShape().dimension();
    long[] view = new long[rank];
    java.util.Arrays.fill(view, 1);
    view[axis.axis()] = p.getShape().get(0);
    view[rank - 1] = axis.dModel();
    return attention.forward(ps, new NDList(x.add(p.reshape(new Shape(view)))), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    attention.initialize(manager, dataType, inputShapes);
  }

  @Override
  public void prepare(Shape[] inputShapes) {
    positions.setShape(new Shape(axis.length(inputShapes[0]), axis.dModel()));
  }

  /** {@code attention-pos} in the token-mixer registry. */
  public static final class Factory implements TokenMixer.Factory {
    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new PositionalAttentionTokenMixer(spec);
    }

    @Override
    public String description() {
      return "self-attention with a learned positional embedding (PatchTST/ViT); one length";
    }
  }
}
