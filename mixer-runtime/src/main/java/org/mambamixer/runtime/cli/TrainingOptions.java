package org.mambamixer.runtime.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.train.LrDecay;
import org.mambamixer.runtime.train.StepDecay;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags every training command shares, with the same names, meaning and config.json fields
 * ({@code train.*}) in each: where the run goes and whether it continues ({@link RunDirOptions}),
 * {@code --config}, and the budget and optimiser flags. A command supplies its own defaults and
 * settles everything through {@link Precedence}.
 */
public final class TrainingOptions {
  @Mixin RunDirOptions runDirs;

  @Option(names = "--config", paramLabel = "FILE",
      description = "start a new run from an earlier run's config.json: every setting from the"
          + " file, the flags given beside it over it (and recorded in the new run's config)")
  Path config;

  @Option(names = "--epochs", paramLabel = "N", description = "maximum epochs")
  Integer epochs;

  @Option(names = "--max-batches", paramLabel = "N",
      description = "cap on training batches per epoch (0: all)")
  Integer maxBatches;

  @Option(names = "--batch-size", paramLabel = "N", description = "training batch size")
  Integer batchSize;

  @Option(names = "--eval-batch-size", paramLabel = "N", description = "evaluation batch size")
  Integer evalBatchSize;

  @Option(names = "--lr", paramLabel = "RATE", description = "peak learning rate")
  Float lr;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW weight decay")
  Float weightDecay;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "2021",
      description = "seed of initialisation, shuffles and dropout (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--recompute", arity = "0..1", paramLabel = "BOOL",
      description = "recompute each sublayer's activations in the backward instead of keeping"
          + " them (less memory, more time)")
  Boolean recompute;

  @Option(names = "--save-interval", paramLabel = "N", defaultValue = "100",
      description = "training batches between resume points inside an epoch besides its"
          + " validations, 0: none (default ${DEFAULT-VALUE}); changes no result, so it may differ"
          + " on --resume")
  int saveInterval;

  public RunDirOptions runDirs() {
    return runDirs;
  }

  public boolean resume() {
    return runDirs.resume();
  }

  /** {@code --config}, or null. */
  public Path configFile() {
    return config;
  }

  /** The flags' values, or the command's default where a flag is not given. */
  public int epochs(int fallback) {
    return epochs != null ? epochs : fallback;
  }

  public int maxBatches(int fallback) {
    return maxBatches != null ? maxBatches : fallback;
  }

  public int batchSize(int fallback) {
    return batchSize != null ? batchSize : fallback;
  }

  public int evalBatchSize(int fallback) {
    return evalBatchSize != null ? evalBatchSize : fallback;
  }

  public float lr(float fallback) {
    return lr != null ? lr : fallback;
  }

  public float weightDecay(float fallback) {
    return weightDecay != null ? weightDecay : fallback;
  }

  public long seed() {
    return seed;
  }

  public boolean recompute(boolean fallback) {
    return recompute != null ? recompute : fallback;
  }

  public int saveInterval() {
    return saveInterval;
  }

  /**
   * The usage errors every training command shares: --resume without --run-dir, --resume with
   * --config, a non-positive size or rate.
   */
  public void check(CommandSpec spec) {
    if (resume() && runDirs.runDir() == null) {
      throw usage(spec, "--resume needs the --run-dir of the run to continue");
    }
    if (resume() && config != null) {
      throw usage(spec, "--resume continues a run with its own config; --config starts a new one"
          + " from another run's: give one of them");
    }
    positive(spec, "--epochs", epochs);
    positive(spec, "--batch-size", batchSize);
    positive(spec, "--eval-batch-size", evalBatchSize);
    if (saveInterval < 0) {
      throw usage(spec, "--save-interval must not be negative, got " + saveInterval);
    }
    if (maxBatches != null && maxBatches < 0) {
      throw usage(spec, "--max-batches must not be negative, got " + maxBatches);
    }
    if (lr != null && !(lr > 0)) {
      throw usage(spec, "--lr must be positive, got " + lr);
    }
    if (weightDecay != null && !(weightDecay >= 0)) {
      throw usage(spec, "--weight-decay must not be negative, got " + weightDecay);
    }
  }

  /** The config.json of the run in --run-dir being resumed; null when it has none yet. */
  public JsonObject resumedConfig(String command) throws IOException {
    Path file = runDirs.runDir() == null ? null : runDirs.runDir().resolve("config.json");
    return resume() && Files.isRegularFile(file) ? RunConfig.read(file, command) : null;
  }

  /** The --config file's settings; null without --config. */
  public JsonObject config(String command) throws IOException {
    return config == null ? null : RunConfig.read(config, command);
  }

  /**
   * Where settled settings that fail to make a run came from, as a message's prefix: the
   * {@code --config} file or the resumed run's config.json ({@code ""} for a new run's flags).
   */
  public String origin() {
    if (config != null) {
      return "--config " + config + ": ";
    }
    return resume() ? runDirs.runDir().resolve("config.json") + ": " : "";
  }

  /** The shared flags as config.json records them, under {@code train}. */
  public List<Setting> settings() {
    return List.of(Setting.of("--epochs", "train.epochs", epochs)
            .changeableOnResume(TrainingOptions::epochsFixed),
        Setting.of("--max-batches", "train.maxBatchesPerEpoch", maxBatches),
        Setting.of("--batch-size", "train.batchSize", batchSize),
        Setting.of("--eval-batch-size", "train.evalBatchSize", evalBatchSize),
        Setting.of("--lr", "train.lr", lr),
        Setting.of("--weight-decay", "train.weightDecay", weightDecay),
        Setting.of("--seed", "train.seed", seed),
        Setting.of("--recompute", "train.recompute", recompute));
  }

  /**
   * Why a resumed run may not change its epochs, or null where it may: under a step decay
   * ({@code type1}, {@code type3}, {@code step:GAMMA:HOLD}) or a constant rate, the rate of an
   * epoch does not depend on how many there are, so the run lengthened or cut short on resume is
   * the run a fresh start with those epochs gives (fewer than it has done: it goes straight to
   * the test of its best checkpoint). A cosine or one cycle is laid over the whole budget.
   */
  static String epochsFixed(JsonObject run) {
    JsonElement decay = Precedence.at(run, "train.lrDecay");
    String name = decay == null || decay.isJsonNull() ? "cosine" : decay.getAsString();
    try {
      if (!name.equals("cosine") && LrDecay.parse(name) instanceof StepDecay) {
        return null;
      }
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    JsonElement lr = Precedence.at(run, "train.lr");
    JsonElement minLr = Precedence.at(run, "train.minLr");
    if (name.equals("cosine") && lr != null && minLr != null && Precedence.same(lr, minLr)) {
      return null; // a cosine from lr to lr: a constant rate
    }
    return "its learning rate's " + (name.equals("cosine") ? "cosine" : name) + " spans those"
        + " epochs; a run under a step decay or a constant rate may change them";
  }

  private static void positive(CommandSpec spec, String flag, Integer value) {
    if (value != null && value <= 0) {
      throw usage(spec, flag + " must be positive, got " + value);
    }
  }

  private static ParameterException usage(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
