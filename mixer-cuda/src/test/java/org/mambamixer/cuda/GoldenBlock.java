package org.mambamixer.cuda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mambamixer.api.mixer.SelectiveMixer;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.api.scan.ScanRoute;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.ssm.S6Config;
import org.mambamixer.api.util.MaxError;

/**
 * One case of upstream's whole Mamba block (mamba_ssm's {@code Mamba}, slow path), as written to
 * {@code golden/blocks/*.npz}, and the check of the project's block against it.
 *
 * <p>The project's Mamba block is a {@link SelectiveMixer} with one forward route along axis 1 of
 * a (B, L, d_model) input: in_proj, then one {@code S6} (conv1d, x_proj, dt_proj, A_log, D, the
 * scan with z gating), then out_proj. Upstream and DJL store every weight in the same layout
 * (Linear (out, in), depthwise Conv1d (d_inner, 1, d_conv)), so parameters load by name alone.
 *
 * @param name the file name without extension
 * @param bytes the archive, decoded per check so each check owns its arrays
 */
public record GoldenBlock(String name, byte[] bytes) {

  /**
   * Upstream parameter name to the project's, for the route {@link ScanRoute#FORWARD}. DJL names a
   * child block by its position and name ("02s6_fwd"); a renamed or reordered child fails the
   * check on the parameter set, never silently.
   */
  public static final Map<String, String> PARAMETERS = parameterNames();

  private static Map<String, String> parameterNames() {
    String s6 = "02s6_" + ScanRoute.FORWARD.name() + "_";
    Map<String, String> m = new LinkedHashMap<>();
    m.put("in_proj.weight", "01in_proj_weight");
    m.put("conv1d.weight", s6 + "01conv_weight");
    m.put("conv1d.bias", s6 + "01conv_bias");
    m.put("x_proj.weight", s6 + "02x_proj_weight");
    m.put("dt_proj.weight", s6 + "dt_proj_weight");
    m.put("dt_proj.bias", s6 + "dt_proj_bias");
    m.put("A_log", s6 + "A_log");
    m.put("D", s6 + "D");
    m.put("out_proj.weight", "03out_proj_weight");
    return Collections.unmodifiableMap(m);
  }

  /** Every {@code .npz} in {@code dir}, sorted by name. */
  public static List<GoldenBlock> loadAll(Path dir) throws IOException {
    List<GoldenBlock> cases = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".npz")).sorted().toList()) {
        String n = f.getFileName().toString();
        cases.add(new GoldenBlock(n.substring(0, n.length() - 4), Files.readAllBytes(f)));
      }
    }
    return cases;
  }

  /** One compared tensor: {@code out}, {@code grad/x} or {@code grad/<upstream name>}. */
  public record Error(String tensor, MaxError error) {}

  /**
   * Builds the block with this case's sizes on {@code scan}, loads the upstream parameters, runs x
   * through it under a gradient collector with loss sum(out * g), and compares.
   *
   * @return out, grad/x, then grad/name for every upstream parameter
   */
  public List<Error> check(SelectiveScan scan, NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      Map<String, NDArray> file = new LinkedHashMap<>();
      for (NDArray a : NDList.decode(m, bytes)) {
        file.put(a.getName(), a);
      }
      // The initialisation ranges do not matter: every parameter is overwritten below.
      S6Config config = new S6Config(size(file, "d_model"), size(file, "expand"),
          size(file, "d_state"), size(file, "d_conv"), size(file, "dt_rank"), 1e-3f, 1e-1f, 1e-4f);
      NDArray x = array(file, "x"); // (B, L, d_model)
      SelectiveMixer block = new SelectiveMixer(config, 1, List.of(ScanRoute.FORWARD), scan);
      block.initialize(m, DataType.FLOAT32, x.getShape());
      Map<String, Parameter> ours = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : block.getParameters()) {
        ours.put(p.getKey(), p.getValue());
      }
      if (!new TreeSet<>(ours.keySet()).equals(new TreeSet<>(PARAMETERS.values()))) {
        throw new IllegalStateException(
            "the block's parameters " + ours.keySet() + " are not " + PARAMETERS.values());
      }
      for (Map.Entry<String, String> e : PARAMETERS.entrySet()) {
        NDArray value = array(file, "param/" + e.getKey());
        NDArray target = ours.get(e.getValue()).getArray();
        if (!target.getShape().equals(value.getShape())) {
          throw new IllegalStateException(e.getKey() + ": upstream shape " + value.getShape()
              + " but " + e.getValue() + " has " + target.getShape());
        }
        target.set(value.toFloatArray());
        target.setRequiresGradient(true);
      }
      x.setRequiresGradient(true);
      List<Error> errors = new ArrayList<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow();
        errors.add(compare("out", out, array(file, "out")));
        Backprop.backward(out.mul(array(file, "g")).sum());
      }
      errors.add(compare("grad/x", x.getGradient(), array(file, "grad/x")));
      for (Map.Entry<String, String> e : PARAMETERS.entrySet()) {
        errors.add(compare("grad/" + e.getKey(), ours.get(e.getValue()).getArray().getGradient(),
            array(file, "grad/" + e.getKey())));
      }
      return errors;
    }
  }

  private NDArray array(Map<String, NDArray> file, String key) {
    NDArray a = file.get(key);
    if (a == null) {
      throw new IllegalStateException(name + ".npz lacks " + key + ".npy");
    }
    return a;
  }

  private int size(Map<String, NDArray> file, String key) {
    return Math.toIntExact(array(file, key).toType(DataType.INT64, false).getLong());
  }

  private static Error compare(String tensor, NDArray actual, NDArray expected) {
    Shape shape = expected.getShape();
    if (!actual.getShape().equals(shape)) {
      throw new IllegalStateException(
          tensor + ": shape " + actual.getShape() + " but upstream " + shape);
    }
    float[] a = actual.toFloatArray();
    float[] e = expected.toFloatArray();
    return new Error(tensor, MaxError.of(e.length, i -> a[i], i -> e[i]));
  }
}
