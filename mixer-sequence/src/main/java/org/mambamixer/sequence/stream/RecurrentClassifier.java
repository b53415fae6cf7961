package org.mambamixer.sequence.stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.block.MambaMixerBackbone;
import org.mambamixer.api.block.ResidualSublayer;
import org.mambamixer.api.skip.SkipAggregation;
import org.mambamixer.sequence.model.SequenceClassifier;

/**
 * A trained {@link SequenceClassifier} run one token at a time. {@link #logits} after L steps
 * equals the full forward over the L tokens (mean pooling as a running sum).
 *
 * <p>Per token, layer l: the skip aggregation, the norms and the channel mixer are applied to the
 * single token as they are, which is exact because each is token-local: the skip weighs outputs of
 * the same token, the norms work on its features, and a channel mixer mixes along the channel
 * axis, which has size 1 in this model's (B, 1, L, D) layout. Only the token mixer mixes across
 * time; it advances through its {@link SelectiveStep}. The state is, per layer and route, the
 * last k-1 conv inputs (B, E, k-1) and h (B, E, N), plus the pooled sum (B, D): nothing grows
 * with the number of tokens.
 *
 * <p>The weights are copied when this is built: build it after training or loading.
 */
public final class RecurrentClassifier implements AutoCloseable {
  private final SequenceClassifier model;
  private final ParameterStore ps;
  private final SkipAggregation skip;
  private final List<Block> tokenNorms = new ArrayList<>();
  private final List<SelectiveStep> tokenSteps = new ArrayList<>();
  private final List<Block> channelLayers = new ArrayList<>();
  private final boolean residual;
  private final int dModel;

  /**
   * @throws UnsupportedOperationException when a token mixer has no recurrent form (a reversed
   *     route, or not a selective mixer)
   */
  public RecurrentClassifier(SequenceClassifier model, NDManager manager) {
    this.model = model;
    this.ps = new ParameterStore(manager, false);
    MambaMixerBackbone backbone = model.backbone();
    this.skip = backbone.skip();
    this.residual = backbone.config().innerResidual();
    this.dModel = backbone.config().dModel();
    try {
      for (int l = 1; l <= backbone.config().layers(); l++) {
        ResidualSublayer token = (ResidualSublayer) BlockParts.child(backbone, "token_" + l);
        tokenNorms.add(BlockParts.child(token, "norm"));
        tokenSteps.add(new SelectiveStep(token.mixer(), manager));
        channelLayers.add(BlockParts.child(backbone, "channel_" + l));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * What the stream holds after {@code steps} tokens: per layer, the token mixer's route states,
   * and the sum of the pooled features. Closed by the step that replaces it.
   */
  public record State(List<List<SelectiveStep.RouteState>> layers, NDArray pooledSum, int steps)
      implements AutoCloseable {

    /** Floats held; independent of {@link #steps}. */
    public long elements() {
      long n = pooledSum.size();
      for (List<SelectiveStep.RouteState> layer : layers) {
        for (SelectiveStep.RouteState r : layer) {
          n += r.elements();
        }
      }
      return n;
    }

    /** Every array of the state, for closing and for tests. */
    public List<NDArray> arrays() {
      List<NDArray> out = new ArrayList<>(List.of(pooledSum));
      for (List<SelectiveStep.RouteState> layer : layers) {
        for (SelectiveStep.RouteState r : layer) {
          if (r.window() != null) {
            out.add(r.window());
          }
          out.add(r.h());
        }
      }
      return out;
    }

    @Override
    public void close() {
      arrays().forEach(NDArray::close);
    }
  }

  /** The state before the first token of {@code batch} sequences. */
  public State start(NDManager manager, int batch) {
    List<List<SelectiveStep.RouteState>> layers = new ArrayList<>();
    for (SelectiveStep s : tokenSteps) {
      layers.add(s.start(manager, batch));
    }
    return new State(layers, manager.zeros(new Shape(batch, dModel)), 0);
  }

  /**
   * Consumes one token {@code (B, P)}; returns the next state and closes {@code state}. Every
   * temporary of the step is freed before it returns.
   */
  public State step(State state, NDArray token) {
    long b = token.getShape().get(0);
    State next;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray e = model.embed().forward(ps, new NDList(token.reshape(b, 1, 1, -1)), false)
          .singletonOrThrow(); // (B, 1, 1, D)
      List<NDArray> yToken = new ArrayList<>(List.of(e));
      List<NDArray> yChannel = new ArrayList<>(List.of(e));
      List<List<SelectiveStep.RouteState>> layers = new ArrayList<>();
      for (int l = 1; l <= tokenSteps.size(); l++) {
        NDArray xt = skip.tokenInput(ps, l, yToken, yChannel, false); // (B, 1, 1, D)
        NDArray h = tokenNorms.get(l - 1).forward(ps, new NDList(xt), false).singletonOrThrow();
        SelectiveStep.Result r = tokenSteps.get(l - 1).step(state.layers().get(l - 1),
            h.reshape(b, dModel));
        NDArray mixed = r.out().reshape(b, 1, 1, dModel);
        yToken.add(residual ? xt.add(mixed) : mixed);
        layers.add(r.states());
        NDArray xc = skip.channelInput(ps, l, yToken, yChannel, false);
        yChannel.add(channelLayers.get(l - 1).forward(ps, new NDList(xc), false)
            .singletonOrThrow());
      }
      NDArray pooled = model.norm().forward(ps, new NDList(yChannel.get(yChannel.size() - 1)),
          false).singletonOrThrow().reshape(b, dModel); // (B, D)
      next = new State(layers, state.pooledSum().add(pooled), state.steps() + 1);
      next.arrays().forEach(NDScope::unregister);
    }
    state.close();
    return next;
  }

  /** The logits of the tokens consumed so far: head(mean of the pooled features), (B, K). */
  public NDArray logits(State state) {
    if (state.steps() == 0) {
      throw new IllegalStateException("no token consumed yet");
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray out = model.head().forward(ps, new NDList(state.pooledSum().div(state.steps())),
          false).singletonOrThrow();
      NDScope.unregister(out);
      return out;
    }
  }

  /** Streams every token of {@code x (B, L, P)} and returns the final logits (B, K). */
  public NDArray classify(NDArray x, NDManager manager) {
    Shape s = x.getShape();
    State state = start(manager, (int) s.get(0));
    for (int t = 0; t < s.get(1); t++) {
      try (NDArray token = x.get(":, {}, :", t)) {
        state = step(state, token);
      }
    }
    NDArray out = logits(state);
    state.close();
    return out;
  }

  @Override
  public void close() {
    tokenSteps.forEach(SelectiveStep::close);
  }
}
