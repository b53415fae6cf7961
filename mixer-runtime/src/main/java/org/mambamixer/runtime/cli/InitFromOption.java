package org.mambamixer.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mambamixer.runtime.train.InitialWeights;
import org.mambamixer.runtime.zoo.PublishedModels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --init-from PATH}, spelled alike in every training command: the weights a new run starts
 * from ({@link InitialWeights}), given as a run directory of the command, a checkpoint folder or
 * a published model ({@code zoo:NAME}).
 */
public final class InitFromOption {
  @Option(names = "--init-from", paramLabel = "PATH",
      description = "start from the weights of a run directory of this command (its"
          + " checkpoint/best), of a checkpoint folder or of a published model (zoo:NAME), with"
          + " a fresh optimizer and schedule: fine-tuning, or another cosine cycle; the model"
          + " must have the checkpoint's shapes")
  Path given;

  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  /** The folder {@link #given} names: itself, or a published model's folder. */
  private Path folder;

  /** The path as given, or null without the flag. */
  public Path given() {
    return given;
  }

  /**
   * The checkpoint folder the flag names ({@link InitialWeights#checkpointOf}).
   *
   * @throws IOException when {@code zoo:NAME} names a published model that fails its manifest
   */
  public Path checkpoint() throws IOException {
    if (folder == null) {
      folder = PublishedModels.onClassPath().resolve(given);
    }
    try {
      return InitialWeights.checkpointOf(folder, spec.name());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The initial weights as the new run records them, verified. */
  public InitialWeights weights() throws IOException {
    Path checkpoint = checkpoint();
    try {
      return InitialWeights.of(checkpoint);
    } catch (IOException e) {
      throw usage(given + ": " + e.getMessage());
    }
  }

  /**
   * The flag as a run's config.json records it: the weights of a new run, or on a resume only
   * the folder, which must be the one the run recorded.
   */
  public Setting setting(boolean resume) throws IOException {
    if (given == null) {
      return Setting.of("--init-from", "init", null);
    }
    return resume ? Setting.place("--init-from", "init.checkpoint", checkpoint())
        : Setting.of("--init-from", "init", weights());
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), "--init-from " + message);
  }
}
