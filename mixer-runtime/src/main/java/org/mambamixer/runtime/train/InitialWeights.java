package org.mambamixer.runtime.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Weights a run starts from ({@code --init-from}): a checkpoint folder and the SHA-256 of its
 * manifest when the run started (the manifest holds every file's hash), so a run rebuilt later
 * refuses a checkpoint that has changed since. Recorded in the run's config.json as {@code init}.
 */
public record InitialWeights(String checkpoint, String manifestSha256) {

  /** The checkpoint folder as it is now, verified against its manifest. */
  public static InitialWeights of(Path checkpoint) throws IOException {
    Checkpoint.verify(checkpoint);
    return new InitialWeights(checkpoint.toAbsolutePath().normalize().toString(),
        Checkpoint.sha256(checkpoint.resolve(Checkpoint.MANIFEST)));
  }

  /** Verifies the folder and that its manifest is the one recorded. */
  public Path verified() throws IOException {
    Path dir = Path.of(checkpoint);
    Checkpoint.verify(dir);
    String now = Checkpoint.sha256(dir.resolve(Checkpoint.MANIFEST));
    if (!now.equals(manifestSha256)) {
      throw new IOException("the initial checkpoint " + dir + " has changed since the run"
          + " started (manifest SHA-256 " + now + ", recorded " + manifestSha256 + ")");
    }
    return dir;
  }

  /**
   * The checkpoint {@code given} names: a run directory's {@code checkpoint/best}, or a
   * checkpoint folder as given. A run directory is recognised first: a published model's folder
   * is one, and also holds a manifest.json (its zoo manifest), which would pass it for a
   * checkpoint folder.
   *
   * @param kind the command whose run directories are meant, e.g. classify, for the message
   * @throws IllegalArgumentException when it is neither
   */
  public static Path checkpointOf(Path given, String kind) {
    if (Files.isRegularFile(given.resolve("config.json"))) {
      return given.resolve("checkpoint").resolve("best");
    }
    if (Files.isRegularFile(given.resolve(Checkpoint.MANIFEST))) {
      return given;
    }
    throw new IllegalArgumentException(given + " is neither a " + kind + " run directory"
        + " (config.json) nor a checkpoint folder (manifest.json)");
  }

  /**
   * Loads the recorded weights (verified) into a run's model before its first batch, unless the
   * run resumes from a state of its own, which started from them already; a fresh optimizer.
   *
   * @return whether the weights were loaded
   * @throws IOException when the checkpoint has changed, or does not fit the model (naming the
   *     first parameter whose shape differs)
   */
  public boolean loadInto(Trainer trainer, Path runDir, boolean resume) throws IOException {
    if (resume && Files.exists(runDir.resolve("state.json"))) {
      return false;
    }
    trainer.load(verified(), false);
    return true;
  }
}
