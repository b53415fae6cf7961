package org.mambamixer.runtime.zoo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.train.Checkpoint;

/**
 * The {@code manifest.json} of a published model: what it is, how it was made, what it scores,
 * and the SHA-256 of every other file of its folder. The folder itself is a run directory in
 * miniature ({@code config.json}, the scaler or normalisation, {@code checkpoint/best}), so every
 * command that reads a run directory reads it unchanged.
 *
 * @param name the name after {@code zoo:}
 * @param task the zoo task that measures and loads it ({@link ZooTask}), e.g. forecast, classify
 * @param dataset the dataset it was trained and is measured on
 * @param command the command line that trained it (its config.json's)
 * @param commit the git commit that command ran at
 * @param trained when and at what cost it trained, as documented
 * @param metric the documented score on a whole split
 * @param check the score on the first items of that split, for a check that takes seconds
 * @param files every other file of the folder (relative path, '/'-separated) to its SHA-256
 */
public record ZooManifest(String name, String task, String dataset, String command,
    String commit, String trained, Metric metric, Check check, Map<String, String> files) {

  /** The manifest's file name in a published model's folder. */
  public static final String FILE = "manifest.json";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /**
   * A documented score.
   *
   * @param name the task's metric, e.g. mse or top1
   * @param value its value
   * @param split the split it was measured on, e.g. test
   */
  public record Metric(String name, double value, String split) {}

  /**
   * The quick check: {@code expected} is the metric on the split's first {@code slice} items,
   * measured once when the model was published; a reproduction within {@code tolerance}
   * (absolute) passes. The whole-split metric is checked with the same tolerance.
   */
  public record Check(int slice, double expected, double tolerance) {}

  /** Reads a manifest; the error names the file. */
  public static ZooManifest read(Path file) throws IOException {
    ZooManifest m;
    try {
      m = GSON.fromJson(Files.readString(file), ZooManifest.class);
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a readable zoo manifest: " + e.getMessage(), e);
    }
    if (m == null || m.name() == null || m.task() == null || m.metric() == null
        || m.check() == null || m.files() == null || m.files().isEmpty()) {
      throw new IOException(file + " is not a zoo manifest (needs name, task, metric, check and"
          + " files)");
    }
    return m;
  }

  /** Writes this manifest into {@code dir}, atomically. */
  public void write(Path dir) throws IOException {
    AtomicFiles.writeString(dir.resolve(FILE), GSON.toJson(this));
  }

  /**
   * Checks that every listed file of {@code dir} has its recorded SHA-256.
   *
   * @throws IOException naming the model and the first missing or altered file
   */
  public void verify(Path dir) throws IOException {
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (!Files.isRegularFile(file)) {
        throw new IOException("zoo:" + name + ": " + f.getKey() + " is missing from " + dir);
      }
      if (!Checkpoint.sha256(file).equals(f.getValue())) {
        throw new IOException("zoo:" + name + ": " + f.getKey() + " does not match its SHA-256"
            + " in " + FILE + ": altered or corrupt");
      }
    }
  }

  /** The total size of the listed files in {@code dir}, in bytes. */
  public long bytes(Path dir) throws IOException {
    long sum = 0;
    for (String f : files.keySet()) {
      sum += Files.size(dir.resolve(f));
    }
    return sum;
  }
}
