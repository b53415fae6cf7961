package org.mambamixer.runtime.train;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.mambamixer.runtime.report.AtomicFiles;

/**
 * A checkpoint folder: the weights in DJL's own format ({@link Model#save}: {@code
 * <name>-NNNN.params}, loadable by any DJL tool), the optimizer state in a file of its own, and a
 * {@code manifest.json} (size and SHA-256 of every other file) written last. The folder is swapped
 * in atomically; loading checks the manifest first and refuses a truncated or altered file by name.
 */
public final class Checkpoint {
  /** Lists every other file of the folder with its size and SHA-256. */
  public static final String MANIFEST = "manifest.json";
  /** The optimizer's moments and step count ({@link AdamW#save}). */
  public static final String OPTIMIZER = "optimizer.bin";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private Checkpoint() {}

  /**
   * Writes {@code model}'s block parameters (as epoch {@code epoch}) and, when given, the optimizer
   * state into {@code dir}, replacing whatever was there in one step.
   */
  public static void save(Path dir, Model model, int epoch, AdamW optimizer) throws IOException {
    AtomicFiles.writeDirectory(dir, fresh -> {
      model.setProperty("Epoch", Integer.toString(epoch));
      model.save(fresh, model.getName());
      if (optimizer != null) {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(fresh.resolve(OPTIMIZER)))) {
          optimizer.save(out);
        }
      }
      Files.writeString(fresh.resolve(MANIFEST), GSON.toJson(manifestOf(fresh)));
    });
  }

  /**
   * Copies the weights of checkpoint {@code from} (checked first) into a new checkpoint folder
   * {@code to}, without the optimizer state, with a manifest of its own: what {@code --init-from}
   * and every evaluation read, at a third of the size.
   */
  public static void copyWeights(Path from, Path to) throws IOException {
    verify(from);
    AtomicFiles.writeDirectory(to, fresh -> {
      try (Stream<Path> files = Files.list(from)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          if (!name.equals(OPTIMIZER) && !name.equals(MANIFEST)) {
            Files.copy(f, fresh.resolve(name));
          }
        }
      }
      Files.writeString(fresh.resolve(MANIFEST), GSON.toJson(manifestOf(fresh)));
    });
  }

  /**
   * Loads the weights into {@code model}'s block (and the optimizer state when {@code optimizer}
   * is given) after checking every file against the manifest. The loaded arrays of trainable
   * parameters track gradients, so training can go on; a {@code ParameterStore} that cached the
   * old arrays must be replaced by the caller.
   *
   * @throws IOException naming the missing, truncated or altered file
   */
  public static void load(Path dir, Model model, AdamW optimizer, NDManager manager)
      throws IOException {
    verify(dir);
    // DJL replaces each array with the stored one whatever its shape; the model's own shapes
    // are what a checkpoint of another width must be told apart by.
    Map<String, Shape> shapes = new LinkedHashMap<>();
    model.getBlock().getParameters().forEach(p -> {
      if (p.getValue().isInitialized()) {
        shapes.put(p.getKey(), p.getValue().getArray().getShape());
      }
    });
    try {
      model.load(dir, model.getName());
    } catch (MalformedModelException | RuntimeException e) {
      throw new IOException("checkpoint " + dir + " does not fit this model: " + e.getMessage(), e);
    }
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      Shape want = shapes.get(p.getKey());
      Shape got = p.getValue().getArray().getShape();
      if (want != null && !want.equals(got)) {
        throw new IOException("checkpoint " + dir + " does not fit this model: parameter "
            + p.getKey() + " is " + got + " there, " + want + " here");
      }
    }
    // Loading replaces each parameter's array; the new ones must track gradients again.
    model.getBlock().getParameters().forEach(p -> {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(true);
      }
    });
    if (optimizer != null) {
      Path state = dir.resolve(OPTIMIZER);
      if (!Files.isRegularFile(state)) {
        throw new IOException("checkpoint " + dir + " has no optimizer state (" + OPTIMIZER
            + "); it holds weights only and cannot resume training");
      }
      try (DataInputStream in = new DataInputStream(Files.newInputStream(state))) {
        optimizer.load(manager, in);
      } catch (IOException | RuntimeException e) {
        throw new IOException(state + " does not fit this model's optimizer: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Loads into {@code model}'s block the element-wise mean of the weights of {@code dirs},
   * checkpoints of that model (each checked like {@link #load}): the ends of several cosine cycles
   * averaged into one model (stochastic weight averaging, Izmailov et al. 2018). The mean is taken
   * in double precision, so its order does not matter. No optimizer state is averaged; the
   * model's trainable arrays track gradients afterwards, as after {@link #load}.
   */
  public static void loadAverage(List<Path> dirs, Model model, NDManager manager)
      throws IOException {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("no checkpoints to average");
    }
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (Path dir : dirs) {
      load(dir, model, null, manager);
      for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
        float[] w = p.getValue().getArray().toFloatArray();
        double[] sum = sums.computeIfAbsent(p.getKey(), k -> new double[w.length]);
        for (int i = 0; i < w.length; i++) {
          sum[i] += w[i];
        }
      }
    }
    for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
      double[] sum = sums.get(p.getKey());
      float[] mean = new float[sum.length];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) (sum[i] / dirs.size());
      }
      // PyTorch refuses to write into a leaf that tracks gradients; the flag comes back after.
      NDArray a = p.getValue().getArray();
      a.setRequiresGradient(false);
      a.set(mean);
      if (p.getValue().requiresGradient()) {
        a.setRequiresGradient(true);
      }
    }
  }

  /** Checks every file the manifest lists: present, of its size, of its SHA-256. */
  public static void verify(Path dir) throws IOException {
    if (Files.isRegularFile(dir)) {
      throw new IOException(dir + " is a single-file checkpoint of an earlier version, which held"
          + " no manifest; retrain the run (./mambamixer forecast --config <its config.json>)");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("checkpoint folder " + dir + " is missing");
    }
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      throw new IOException(manifest + " is missing: the checkpoint was not finished");
    }
    JsonObject files;
    try {
      files = GSON.fromJson(Files.readString(manifest), JsonObject.class);
    } catch (RuntimeException e) {
      throw new IOException(manifest + " is not a readable manifest: " + e.getMessage(), e);
    }
    if (files == null || files.isEmpty()) {
      throw new IOException(manifest + " lists no files");
    }
    for (String name : files.keySet()) {
      JsonObject want = files.getAsJsonObject(name);
      Path file = dir.resolve(name);
      if (!Files.isRegularFile(file)) {
        throw new IOException("checkpoint file " + file + " is missing");
      }
      long size = Files.size(file);
      if (size != want.get("size").getAsLong()) {
        throw new IOException("checkpoint file " + file + " has " + size + " bytes, the manifest "
            + want.get("size").getAsLong() + ": truncated or replaced");
      }
      if (!sha256(file).equals(want.get("sha256").getAsString())) {
        throw new IOException("checkpoint file " + file + " does not match its SHA-256 in the"
            + " manifest: altered or corrupt");
      }
    }
  }

  private static Map<String, Map<String, Object>> manifestOf(Path dir) throws IOException {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.put(f.getFileName().toString(), Map.of("size", Files.size(f), "sha256", sha256(f)));
      }
    }
    return out;
  }

  /** SHA-256 of a file, as lower-case hex. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  /** SHA-256 of what {@code in} holds (read to its end, not closed), as lower-case hex. */
  public static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
