package org.mambamixer.vision.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.FusedMixer;
import org.mambamixer.api.scan.MixerRoute;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.Init;
import org.mambamixer.api.ssm.S6;
import org.mambamixer.api.ssm.S6Config;

/**
 * ViM2's selective token mixer over a 2-D token grid (spec §2, D5; VMamba's SS2D shape).
 *
 * <pre>
 *   x (B, H, W, C) -> in_proj (no bias) -> x (B, H, W, E), z (B, H, W, E)      E = expand * C
 *   u = SiLU(DWConv3x3(x))                    one conv shared by every route   (B, E, H, W)
 *   for each route r: tokens in r's order (row- or column-major, reverse flag)  (B, E, H*W)
 *     y_r = S6_r(u_r) * silu(z_r)             own x_proj, dt_proj, A_log, D
 *   y = sum_r y_r, back in grid order -> out_proj (no bias)                    (B, H, W, C)
 * </pre>
 *
 * The column-major order is the grid transposed; reversed routes set the scan's reverse flag.
 * Where the backend fuses a mixer, the routes run as one op over the tokens in row-major order,
 * each route reading them in its own order.
 */
public final class CrossScanTokenMixer extends AbstractBlock implements TokenMixer {
  private final S6Config config;
  private final Linear inProj;
  private final Conv2d conv;
  private final List<CrossScanRoute> order;
  private final List<S6> routes = new ArrayList<>();
  private final Linear outProj;
  private final SelectiveScan scan;

  /**
   * @param config the routes' S6 sizes; its dConv must be 0 because the 3x3 conv is shared
   */
  public CrossScanTokenMixer(S6Config config, List<CrossScanRoute> routes, SelectiveScan scan) {
    if (config.dConv() != 0) {
      throw new IllegalArgumentException("the cross-scan routes share one 3x3 conv; their S6 must"
          + " have dConv = 0, got " + config.dConv());
    }
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("routes must name at least one cross-scan route");
    }
    this.config = config;
    this.order = List.copyOf(routes);
    this.scan = scan;
    int e = config.dInner();
    inProj = addChildBlock("in_proj",
        Linear.builder().setUnits(2L * e).optBias(false).build());
    inProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    conv = addChildBlock("conv", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(e)
        .optGroups(e).optPadding(new Shape(1, 1)).optBias(true).build());
    conv.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
    for (CrossScanRoute r : order) {
      this.routes.add(addChildBlock("s6_" + r.scanRoute().name(),
          new S6(config, r.scanRoute(), scan)));
    }
    outProj = addChildBlock("out_proj",
        Linear.builder().setUnits(config.dModel()).optBias(false).build());
    outProj.setInitializer(Init.FAN_IN_UNIFORM, Parameter.Type.WEIGHT);
  }

  /**
   * {@code cross-scan}: the token mixer of a ViM2 stage, built from the stage's spec. The spec's S6
   * sizes are kept except the conv: the routes share the one 3x3 depthwise conv, so each route's
   * S6 has dConv 0.
   */
  public static final class Factory implements TokenMixer.Factory {
    private final List<CrossScanRoute> routes;

    /** All four routes (D5), what the registry holds. */
    public Factory() {
      this(CrossScanRoute.ALL);
    }

    /** A subset of the routes (the route ablations of a {@link Vim2Config}). */
    public Factory(List<CrossScanRoute> routes) {
      this.routes = List.copyOf(routes);
    }

    @Override
    public TokenMixer create(MixerSpec spec, int layer, SelectiveScan scan) {
      return new CrossScanTokenMixer(spec.ssm().withDConv(0), routes, scan);
    }

    @Override
    public String description() {
      return "ViM2: VMamba 4-route cross-scan over a (B, H, W, C) grid, shared 3x3 conv, one S6"
          + " per route, summed and gated (D5)";
    }
  }

  public List<CrossScanRoute> routes() {
    return order;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    checkInput(input.getShape());
    NDList xz = inProj.forward(ps, new NDList(input), training).singletonOrThrow()
        .split(2, 3); // 2 x (B, H, W, E)
    NDArray xGrid = xz.get(0).transpose(0, 3, 1, 2); // (B, E, H, W)
    NDArray u = conv.forward(ps, new NDList(xGrid), training).singletonOrThrow();
    u = u.mul(Activation.sigmoid(u)); // SiLU, (B, E, H, W)
    Optional<FusedMixer> fused = scan.fusedMixer();
    NDArray y = fused.isPresent()
        ? fused(ps, fused.get(), u, xz.get(1), training) // (B, H, W, E)
        : routed(ps, u, xz.get(1).transpose(0, 3, 1, 2), training).transpose(0, 2, 3, 1);
    NDArray out = outProj.forward(ps, new NDList(y), training).singletonOrThrow(); // (B, H, W, C)
    return new NDList(out);
  }

  /** The routes as one fused op over the grid's tokens in row-major order: y (B, H, W, E). */
  private NDArray fused(ParameterStore ps, FusedMixer op, NDArray u, NDArray z, boolean training) {
    Shape grid = z.getShape(); // (B, H, W, E)
    int h = (int) grid.get(1);
    int w = (int) grid.get(2);
    // The op reads x and z as one channels-last run: one copy of the grid, instead of each
    // route's transposed copies of u and z on the routed path.
    NDArray xz = u.transpose(0, 2, 3, 1).concat(z, 3)
        .reshape(grid.get(0), (long) h * w, 2 * grid.get(3)); // (B, L, 2E), tokens row-major
    List<MixerRoute> weights = new ArrayList<>(routes.size());
    for (int i = 0; i < routes.size(); i++) {
      int[] steps = order.get(i).columnMajor() ? columnMajor(h, w) : null;
      weights.add(routes.get(i).weights(ps, u.getDevice(), training, steps));
    }
    return op.forward(xz, weights).reshape(grid);
  }

  /** Step t of a column-major scan reads row t % h of column t / h. */
  private static int[] columnMajor(int h, int w) {
    int[] order = new int[h * w];
    for (int t = 0; t < order.length; t++) {
      order[t] = (t % h) * w + t / h;
    }
    return order;
  }

  /** Each route's S6 in turn, gated and summed: y (B, E, H, W). */
  private NDArray routed(ParameterStore ps, NDArray u, NDArray zGrid, boolean training) {
    Shape grid = u.getShape(); // (B, E, H, W)
    long b = grid.get(0);
    long e = grid.get(1);
    long h = grid.get(2);
    long w = grid.get(3);
    NDArray y = null; // (B, E, H, W)
    try (Backprop.Siblings s = Backprop.siblings()) { // no route reads another's output
      for (int i = 0; i < routes.size(); i++) {
        s.next();
        boolean columns = order.get(i).columnMajor();
        NDArray uSeq = tokens(u, columns, b, e, h * w); // (B, E, L)
        NDArray zSeq = tokens(zGrid, columns, b, e, h * w); // (B, E, L)
        NDArray yr = routes.get(i).forward(ps, new NDList(uSeq.transpose(0, 2, 1), zSeq),
            training).singletonOrThrow(); // (B, E, L)
        NDArray g = columns
            ? yr.reshape(b, e, w, h).transpose(0, 1, 3, 2)
            : yr.reshape(b, e, h, w); // (B, E, H, W)
        y = y == null ? g : y.add(g);
      }
    }
    return y;
  }

  /** The grid's tokens in row- or column-major order: (B, E, H, W) -> (B, E, H*W). */
  private static NDArray tokens(NDArray grid, boolean columns, long b, long e, long len) {
    return (columns ? grid.transpose(0, 1, 3, 2) : grid).reshape(b, e, len);
  }

  private void checkInput(Shape shape) {
    if (shape.dimension() != 4 || shape.get(3) != config.dModel()) {
      throw new IllegalArgumentException("the cross-scan token mixer takes (B, H, W, C = "
          + config.dModel() + "), got " + shape);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    checkInput(x);
    long b = x.get(0);
    long h = x.get(1);
    long w = x.get(2);
    long e = config.dInner();
    inProj.initialize(manager, dataType, x);
    conv.initialize(manager, dataType, new Shape(b, e, h, w));
    for (S6 r : routes) {
      r.initialize(manager, dataType, new Shape(b, h * w, e));
    }
    outProj.initialize(manager, dataType, new Shape(b, h, w, e));
  }
}
