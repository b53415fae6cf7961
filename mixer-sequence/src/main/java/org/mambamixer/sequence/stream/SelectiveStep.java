package org.mambamixer.sequence.stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.mixer.SelectiveTokenMixer;
import org.mambamixer.api.ssm.S6;

/**
 * One token of a causal {@link SelectiveMixer} (every route forward): the recurrence that the
 * full-sequence scan unrolls, on the block's own parameters, read by name.
 *
 * <pre>
 *   x (B, D) -> in_proj -> xbar (B, E), z (B, E)
 *   per route:  window (B, E, k-1) + xbar -> depthwise conv tap sum + bias -> SiLU = u   (B, E)
 *               x_proj(u) -> dt_low (B, R), B_t (B, N), C_t (B, N)
 *               delta = softplus(dt_low . dt_proj_weight^T + dt_proj_bias)             (B, E)
 *               h = exp(delta A) * h + delta u B_t,  A = -exp(A_log)                  (B, E, N)
 *               y_r = (h . C_t + D u) * silu(z)                                       (B, E)
 *   out = out_proj(sum_r y_r)                                                         (B, D)
 * </pre>
 *
 * The state of a route is its last k-1 conv inputs and h: (B, E, k-1) + (B, E, N), whatever the
 * sequence length. A reversed route has no recurrence over a stream (its output at t reads the
 * future), so a mixer with one is refused.
 */
final class SelectiveStep implements AutoCloseable {
  private final NDManager weights;
  private final NDArray inT; // (D, 2E)
  private final NDArray outT; // (E, D)
  private final List<Route> routes = new ArrayList<>();
  private final int e;

  /** The state of one route after t tokens. */
  record RouteState(NDArray window, NDArray h) {
    long elements() {
      return (window == null ? 0 : window.size()) + h.size();
    }
  }

  private record Route(NDArray conv, NDArray convBias, NDArray xProjT, NDArray dtT, NDArray dtBias,
      NDArray a, NDArray d, int k, int r, int n) {}

  /**
   * @throws UnsupportedOperationException when {@code mixer} is no selective mixer or scans
   *     backwards
   */
  SelectiveStep(Block mixer, NDManager parent) {
    // The final SelectiveTokenMixer, not any SelectiveMixer: a subclass may change the forward.
    if (!(mixer instanceof SelectiveTokenMixer)) {
      throw new UnsupportedOperationException("a recurrent step needs a selective token mixer with"
          + " forward routes only; " + mixer.getClass().getSimpleName() + " has no recurrent form");
    }
    weights = parent.newSubManager();
    Map<String, NDArray> p = BlockParts.parameters(mixer);
    inT = own(p.get("in_proj_weight").transpose()); // (2E, D) -> (D, 2E)
    outT = own(p.get("out_proj_weight").transpose()); // (D, E) -> (E, D)
    e = (int) inT.getShape().get(1) / 2;
    for (var child : mixer.getChildren()) {
      if (child.getValue() instanceof S6 s6) {
        if (s6.route().reverse()) {
          close();
          throw new UnsupportedOperationException("route " + s6.route().name() + " scans"
              + " backwards: its output at t reads tokens after t, so it has no recurrent step");
        }
        routes.add(route(BlockParts.parameters(s6)));
      }
    }
  }

  private Route route(Map<String, NDArray> p) {
    NDArray convW = p.get("conv_weight"); // (E, 1, k) or absent
    int k = convW == null ? 0 : (int) convW.getShape().get(2);
    NDArray conv = convW == null ? null : own(convW.reshape(e, k));
    NDArray convBias = convW == null ? null : copy(p.get("conv_bias"));
    NDArray xProjT = own(p.get("x_proj_weight").transpose()); // (E, R + 2N)
    NDArray dtT = own(p.get("dt_proj_weight").transpose()); // (R, E)
    NDArray expALog = own(p.get("A_log").exp());
    NDArray a = own(expALog.neg()); // (E, N)
    int r = (int) dtT.getShape().get(0);
    int n = (int) a.getShape().get(1);
    return new Route(conv, convBias, xProjT, dtT, copy(p.get("dt_proj_bias")), a, copy(p.get("D")),
        k, r, n);
  }

  /** Moves an array derived from a parameter into this step's manager. */
  private NDArray own(NDArray derived) {
    derived.attach(weights);
    return derived;
  }

  /** A copy of a parameter's array in this step's manager (the parameter keeps its own). */
  private NDArray copy(NDArray parameter) {
    return own(parameter.duplicate());
  }

  /** The state before the first token: zeros, as the causal conv's padding and h_0. */
  List<RouteState> start(NDManager manager, int batch) {
    List<RouteState> out = new ArrayList<>();
    for (Route r : routes) {
      NDArray window = r.k() > 1 ? manager.zeros(new Shape(batch, e, r.k() - 1)) : null;
      out.add(new RouteState(window, manager.zeros(new Shape(batch, e, r.n()))));
    }
    return out;
  }

  /** The mixer's output for one token {@code x (B, D)}, and the routes' next states. */
  Result step(List<RouteState> states, NDArray x) {
    NDList xz = x.matMul(inT).split(2, 1); // 2 x (B, E)
    NDArray xbar = xz.get(0);
    NDArray gate = silu(xz.get(1));
    NDArray y = null;
    List<RouteState> next = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      Route r = routes.get(i);
      RouteState s = states.get(i);
      NDArray u = xbar;
      NDArray window = null;
      if (r.k() > 0) {
        NDArray col = xbar.expandDims(2); // (B, E, 1)
        NDArray full = s.window() == null ? col : s.window().concat(col, 2); // (B, E, k)
        u = silu(full.mul(r.conv()).sum(new int[] {2}).add(r.convBias()));
        window = r.k() > 1 ? full.get(":, :, 1:") : null;
      }
      NDList proj = u.matMul(r.xProjT()).split(new long[] {r.r(), r.r() + r.n()}, 1);
      NDArray delta = Activation.softPlus(proj.get(0).matMul(r.dtT()).add(r.dtBias())); // (B, E)
      NDArray dA = delta.expandDims(2).mul(r.a()).exp(); // (B, E, N)
      NDArray h = dA.mul(s.h()).add(delta.mul(u).expandDims(2).mul(proj.get(1).expandDims(1)));
      NDArray yr = h.mul(proj.get(2).expandDims(1)).sum(new int[] {2}).add(u.mul(r.d()))
          .mul(gate); // (B, E)
      y = y == null ? yr : y.add(yr);
      next.add(new RouteState(window, h));
    }
    return new Result(y.matMul(outT), next);
  }

  /** A step's output (B, D) and the next states. */
  record Result(NDArray out, List<RouteState> states) {}

  private static NDArray silu(NDArray v) {
    return v.mul(Activation.sigmoid(v));
  }

  @Override
  public void close() {
    weights.close();
  }
}
