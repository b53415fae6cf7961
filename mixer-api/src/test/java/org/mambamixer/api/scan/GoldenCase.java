package org.mambamixer.api.scan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mambamixer.api.io.Npz;
import org.mambamixer.api.util.MaxError;

/**
 * One golden case of the selective scan (an {@code .npz} from the Python reference) and the check
 * of a backend against it: forward output, last state, and the gradient of every input present.
 *
 * @param name the file name without extension
 * @param arrays every array in the file
 */
public record GoldenCase(String name, Map<String, Npz.Array> arrays) {

  /** Inputs in the order of the file format; optional ones may be absent. */
  public static final List<String> INPUTS =
      List.of("u", "delta", "A", "B", "C", "D", "z", "delta_bias");

  /** Loads every {@code .npz} in {@code dir}, sorted by name. */
  public static List<GoldenCase> loadAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException("golden directory not found: " + dir.toAbsolutePath());
    }
    List<GoldenCase> cases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".npz")).sorted().toList()) {
        String n = f.getFileName().toString();
        cases.add(new GoldenCase(n.substring(0, n.length() - 4), Npz.read(f)));
      }
    }
    return cases;
  }

  /** Largest error of one compared tensor, relative to the largest magnitude of the expected one. */
  public record Error(String tensor, double maxAbs, double maxRel, double scale) {
    /** Elementwise {@code |a - e| <= rtol * |e| + rtol * max|e|}, summarised. */
    public boolean within(double rtol) {
      return maxRel <= rtol;
    }
  }

  /**
   * Runs {@code backend} on this case inside a gradient collector and compares with the file.
   *
   * @return one entry per compared tensor: out, last_state, grad_X for every X present
   */
  public List<Error> check(SelectiveScan backend, NDManager parent) {
    try (NDManager m = parent.newSubManager()) {
      Map<String, NDArray> in = new LinkedHashMap<>();
      for (String k : INPUTS) {
        Npz.Array a = arrays.get(k);
        if (a != null) {
          NDArray x = m.create(a.floats(), new Shape(a.shape()));
          x.setRequiresGradient(true);
          in.put(k, x);
        }
      }
      boolean softplus = arrays.containsKey("delta_softplus") && arrays.get("delta_softplus").bool();
      ScanInputs inputs = new ScanInputs(in.get("u"), in.get("delta"), in.get("A"), in.get("B"),
          in.get("C"), in.get("D"), in.get("z"), in.get("delta_bias"), softplus, null, false);
      List<Error> errors = new ArrayList<>();
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        ScanOutputs out = backend.scan(inputs);
        errors.add(compare("out", out.out(), arrays.get("out")));
        errors.add(compare("last_state", out.lastState(), arrays.get("last_state")));
        Npz.Array g = arrays.get("g");
        NDArray loss = out.out().mul(m.create(g.floats(), new Shape(g.shape()))).sum();
        Backprop.backward(loss);
      }
      for (Map.Entry<String, NDArray> e : in.entrySet()) {
        Npz.Array expected = arrays.get("grad_" + e.getKey());
        if (expected != null) {
          errors.add(compare("grad_" + e.getKey(), e.getValue().getGradient(), expected));
        }
      }
      return errors;
    }
  }

  private static Error compare(String tensor, NDArray actual, Npz.Array expected) {
    if (expected == null) {
      throw new IllegalStateException("golden file lacks " + tensor);
    }
    if (!actual.getShape().equals(new Shape(expected.shape()))) {
      throw new IllegalStateException(tensor + ": shape " + actual.getShape() + " but golden "
          + new Shape(expected.shape()));
    }
    float[] a = actual.toFloatArray();
    double[] e = expected.data();
    MaxError m = MaxError.of(e.length, i -> a[i], i -> e[i]);
    return new Error(tensor, m.maxAbs(), m.maxRel(), m.scale());
  }
}
