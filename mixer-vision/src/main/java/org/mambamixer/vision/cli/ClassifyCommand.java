package org.mambamixer.vision.cli;

import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.RunDirOptions;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.VariantOptions;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.vision.data.Holdout;
import org.mambamixer.vision.data.ImageSource;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.vision.train.ClassifyRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code ./mambamixer classify}: trains a ViM2 preset on an image dataset, selects the epoch on a
 * validation set held out of the training split, evaluates top-1 / top-5 on the test split and
 * writes a run directory ({@link ClassifyRun}).
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "train and evaluate a ViM2 classifier on an image dataset (prints test top-1)")
public final class ClassifyCommand implements LauncherCommand {
  private static final int DEFAULT_EPOCHS = 10;
  private static final int DEFAULT_BATCH = 32;
  private static final float DEFAULT_LR = 1e-3f;
  /** At 64, evaluating 28 x 28 images held the process at about 2.4 GB (docs/results-vim2.md). */
  private static final int DEFAULT_EVAL_BATCH = 64;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "fashion-mnist, mnist, cifar10 or digits (files looked up under --data-dir),"
          + " or folder: your images in --data-dir, as train/<class>/* and test/<class>/*"
          + " (without test/, a seeded fifth of train/ is tested)")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "folder holding fashion-mnist/, mnist/, cifar10-jpeg/, sklearn-digits/"
          + " (else $MAMBAMIXER_DATA/images, else ../shared/data/images); with --dataset"
          + " folder, the folder holding train/")
  String dataDir;

  @Option(names = "--image-size", paramLabel = "N",
      description = "with --dataset folder: resize every image to N x N (default: the images'"
          + " own size, which they must share)")
  Integer imageSize;

  @Option(names = "--model", paramLabel = "NAME",
      description = "ViM2 preset (default: vim2-tiny-28 for grey images, vim2-tiny-32 for RGB);"
          + " trained at the data's resolution")
  String model;

  @Option(names = "--widths", paramLabel = "W", split = ",",
      description = "stage widths instead of the preset's, one per stage (e.g. 24,48), to put"
          + " variants at an equal parameter budget")
  List<Integer> widths;

  @Option(names = "--epochs", paramLabel = "N",
      description = "training epochs (default " + DEFAULT_EPOCHS + ")")
  Integer epochs;

  @Option(names = "--max-batches", paramLabel = "N",
      description = "training batches per epoch, 0 = all (default 0)")
  Integer maxBatches;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "training batch size (default " + DEFAULT_BATCH + ")")
  Integer batchSize;

  @Option(names = "--eval-batch-size", paramLabel = "N",
      description = "batch size of validation and test (default " + DEFAULT_EVAL_BATCH + ")")
  Integer evalBatchSize;

  @Option(names = "--lr", paramLabel = "RATE",
      description = "peak learning rate of the warm-up + cosine schedule (default 1e-3)")
  Float lr;

  @Option(names = "--min-lr", paramLabel = "RATE",
      description = "the cosine's floor, where the run ends (default 1e-5)")
  Float minLr;

  @Option(names = "--warmup-epochs", paramLabel = "N",
      description = "epochs of linear warm-up before the cosine, fewer than --epochs (default 1,"
          + " 0 for a one-epoch run)")
  Integer warmupEpochs;

  @Option(names = "--lr-update", paramLabel = "WHEN",
      description = "epoch: one rate per epoch (default, as the runs in docs/ trained before"
          + " the option); batch: a new rate every batch, so the cosine ends at its floor"
          + " however the budget is cut into epochs")
  String lrUpdate;

  @Option(names = "--label-smoothing", paramLabel = "EPS",
      description = "label smoothing of the cross-entropy, in [0, 1) (default 0.1)")
  Float labelSmoothing;

  @Option(names = "--weight-decay", paramLabel = "WD",
      description = "AdamW weight decay (default 0.05)")
  Float weightDecay;

  @Option(names = "--val-size", paramLabel = "N",
      description = "training images held out for choosing the best epoch (default: a tenth of"
          + " the training split, at most 5000; 0: none, the last epoch is tested)")
  Integer valSize;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "2021",
      description = "seed of parameters, hold-out, shuffling and augmentation (default"
          + " ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--recompute",
      description = "recompute each sublayer's activations in the backward instead of keeping"
          + " them: less memory, about a fifth more time")
  Boolean recompute;

  @Option(names = "--init-from", paramLabel = "PATH",
      description = "start from the weights of a classify or average-weights run directory"
          + " (its checkpoint/best) or of a checkpoint folder, with a fresh optimizer and"
          + " schedule: fine-tuning, or a second cosine cycle; the model and variants must match"
          + " the run's")
  Path initFrom;

  @Option(names = "--save-interval", paramLabel = "N",
      defaultValue = "" + ClassifyRun.DEFAULT_SAVE_INTERVAL,
      description = "training batches between resume points inside an epoch, 0: at epoch ends"
          + " only (default ${DEFAULT-VALUE}); changes no result, so it may differ on --resume")
  int saveInterval;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;



  @Mixin RunDirOptions runDirs;

  @Option(names = "--modality", paramLabel = "NAME", defaultValue = "image",
      description = "image (ViM2, this command), or another registered modality, e.g. sequence:"
          + " the arguments go to its classify-NAME command (default ${DEFAULT-VALUE})")
  String modality;

  /** Options of another modality's command, passed on to it untouched. */
  @Unmatched List<String> unmatched = new ArrayList<>();

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public ClassifyCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws Exception {
    if (!"image".equals(modality)) {
      return otherModality();
    }
    if (!unmatched.isEmpty()) {
      throw usage("unknown option(s) for classify --modality image: " + unmatched);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (runDirs.resume() && runDirs.runDir() == null) {
      throw usage("--resume needs the --run-dir of the run to continue");
    }
    requirePositive("--epochs", epochs);
    requirePositive("--batch-size", batchSize);
    requirePositive("--eval-batch-size", evalBatchSize);
    requireNonNegative("--max-batches", maxBatches);
    requireNonNegative("--val-size", valSize);
    if (lr != null && !(lr > 0)) {
      throw usage("--lr must be positive, got " + lr);
    }
    if (minLr != null && !(minLr >= 0)) {
      throw usage("--min-lr must not be negative, got " + minLr);
    }
    requireNonNegative("--warmup-epochs", warmupEpochs);
    if (labelSmoothing != null && !(labelSmoothing >= 0 && labelSmoothing < 1)) {
      throw usage("--label-smoothing must be in [0, 1), got " + labelSmoothing);
    }
    LrSchedule.Update update = null;
    if (lrUpdate != null) {
      try {
        update = LrSchedule.Update.parse(lrUpdate);
      } catch (IllegalArgumentException e) {
        throw usage("--lr-update: " + e.getMessage());
      }
    }
    requireNonNegative("--save-interval", saveInterval);
    requirePositive("--image-size", imageSize);
    ImageSource source = null;
    Vim2Config preset = null;
    try {
      source = dataset == null ? null : ImageSource.named(dataset);
      preset = model == null ? null : Vim2Config.preset(model);
      variants.check(variantOptions.over(Vim2Config.VARIANTS)); // names before any work
      if (!runDirs.resume() || given("--scan")) { // a resumed run keeps its own backend
        variants.checkScan(scanOption.name());
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Path stored = runDirs.runDir() == null ? null : runDirs.runDir().resolve("config.json");
    ClassifyRun.Spec before = runDirs.resume() && Files.isRegularFile(stored)
        ? ClassifyRun.readSpec(stored) : null;
    if (before != null) {
      rejectConflicts(before, update);
    } else if (source == null) {
      throw usage(runDirs.resume() ? "--resume found no run in " + runDirs.runDir()
          + " to continue; give --dataset"
          + " to start it there"
          : "give --dataset NAME (fashion-mnist, mnist, cifar10, digits, folder)");
    }
    if (before != null) {
      source = ImageSource.named(before.dataset());
    } else if (source == ImageSource.FOLDER && dataDir == null) {
      throw usage("--dataset folder reads your images from --data-dir DIR (DIR/train/<class>/*)");
    } else if (imageSize != null && source != ImageSource.FOLDER) {
      throw usage("--image-size resizes --dataset folder only; " + source.label()
          + " trains at its own size");
    }
    Path dir = before != null ? Path.of(before.data())
        : ImageSource.dataDir(dataDir, System::getenv);
    ImageSource.Splits splits = source.load(dir, before != null ? before.model().imageSize()
        : imageSize != null ? imageSize : 0);
    ClassifyRun.Spec run = before != null ? before : newSpec(source, preset, splits, dir, update);
    Holdout held = Holdout.of(splits.train(), run.valSize(), run.train().seed());
    Path parent = runDirs.runDirOrNew(source.label() + "-" + run.preset());
    ClassifyRun runner = new ClassifyRun(variants, variants.scan(run.scan()), out, saveInterval);
    ClassifyRun.Outcome outcome = runner.execute(run, new ClassifyRun.Data(held.train(),
        held.val(), splits.test(), source.normalization(splits), source.augmentation()), parent,
        runDirs.resume());
    out.println();
    out.println(Table.parseCsv(Files.readString(outcome.runDir().resolve("results.csv")),
        "results.csv").toMarkdown(4));
    out.println("run directory: " + parent.toAbsolutePath());
    out.flush();
    return 0;
  }

  /** The spec of a new run: the preset at the data's resolution, flags over the defaults. */
  private ClassifyRun.Spec newSpec(ImageSource source, Vim2Config preset, ImageSource.Splits s,
      Path dir, LrSchedule.Update update) throws IOException {
    ImageSet train = s.train();
    if (train.height() != train.width()) {
      throw usage(source.label() + " has " + train.height() + " x " + train.width()
          + " images; ViM2 presets take square images");
    }
    Vim2Config base = preset != null ? preset
        : train.channels() == 1 ? Vim2Config.TINY_28 : Vim2Config.TINY_32;
    Vim2Config mc;
    ClassifierConfig tc;
    try {
      mc = base.withImage(train.height(), train.channels(), train.classes().size());
      if (widths != null) {
        mc = mc.withWidths(widths);
      }
      int e = epochs != null ? epochs : DEFAULT_EPOCHS;
      if (warmupEpochs != null && warmupEpochs >= e) {
        throw usage("--warmup-epochs " + warmupEpochs + " leaves no epoch of the cosine out of"
            + " --epochs " + e);
      }
      ClassifierConfig d = ClassifierConfig.defaults(e, batchSize != null ? batchSize
          : DEFAULT_BATCH, seed);
      tc = new ClassifierConfig(d.epochs(), d.batchSize(),
          evalBatchSize != null ? evalBatchSize : DEFAULT_EVAL_BATCH,
          lr != null ? lr : DEFAULT_LR, minLr != null ? minLr : d.minLr(),
          warmupEpochs != null ? warmupEpochs : d.warmupEpochs(),
          weightDecay != null ? weightDecay : d.weightDecay(),
          labelSmoothing != null ? labelSmoothing : d.labelSmoothing(), d.seed(),
          maxBatches != null ? maxBatches : 0, recompute != null && recompute,
          update != null ? update : LrSchedule.Update.EPOCH);
    } catch (IllegalArgumentException e) {
      throw usage(base.name() + " cannot train on " + source.label() + ": " + e.getMessage());
    }
    if (mc.imageSize() != base.imageSize() || mc.inChannels() != base.inChannels()) {
      spec.commandLine().getOut().printf(Locale.ROOT, "%s (made for %d x %d x %d) runs at the"
          + " data's %d x %d x %d%n", base.name(), base.inChannels(), base.imageSize(),
          base.imageSize(), mc.inChannels(), mc.imageSize(), mc.imageSize());
    }
    int val = valSize != null ? valSize : Math.min(5000, train.size() / 10);
    if (val >= train.size()) {
      throw usage("--val-size " + val + " leaves no training images out of " + train.size());
    }
    MixerChoice choice = variantOptions.over(Vim2Config.VARIANTS);
    ClassifyRun.Init init = initFrom == null ? null
        : initialWeights(source, mc, choice, val, tc.seed());
    return new ClassifyRun.Spec(source.label(), base.name(), mc, choice, tc, val,
        ResumeConflicts.place(dir), scanOption.name(), LauncherCommand.commandLine(spec), init);
  }

  /**
   * The checkpoint {@code --init-from} names, checked against this run: where the source run's
   * config.json is at hand, its model and variants must be this run's (a clear error instead of
   * DJL's about a parameter's shape), and a different hold-out of the same dataset is reported:
   * the source may have trained on this run's validation images.
   */
  private ClassifyRun.Init initialWeights(ImageSource source, Vim2Config mc, MixerChoice choice,
      int valSize, long seed) throws IOException {
    Path checkpoint = checkpointOf(initFrom);
    Path runOf = checkpoint.getParent() == null ? null : checkpoint.getParent().getParent();
    Path config = runOf == null ? null : runOf.resolve("config.json");
    if (config != null && Files.isRegularFile(config)) {
      ClassifyRun.Origin from = ClassifyRun.Origin.read(config);
      if (!from.model().equals(mc)) {
        throw usage("--init-from " + initFrom + ": its model " + from.model()
            + " is not this run's " + mc);
      }
      if (!from.variants().equals(choice)) {
        throw usage("--init-from " + initFrom + ": its variants " + from.variants()
            + " are not this run's " + choice);
      }
      if (from.dataset().equals(source.label())
          && (from.valSize() != valSize || from.seed() != seed)) {
        spec.commandLine().getOut().printf(Locale.ROOT, "warning: --init-from %s held out %d"
            + " images with seed %d, this run %d with seed %d: its weights may have trained on"
            + " this run's validation images%n", initFrom, from.valSize(), from.seed(),
            valSize, seed);
      }
    }
    try {
      return ClassifyRun.Init.of(checkpoint);
    } catch (IOException e) {
      throw usage("--init-from " + initFrom + ": " + e.getMessage());
    }
  }

  /** A checkpoint folder as given, or a run directory's {@code checkpoint/best}. */
  private Path checkpointOf(Path given) {
    if (Files.isRegularFile(given.resolve(Checkpoint.MANIFEST))) {
      return given;
    }
    if (Files.isRegularFile(given.resolve("config.json"))) {
      return given.resolve("checkpoint").resolve("best");
    }
    throw usage("--init-from " + given + " is neither a classify run directory (config.json)"
        + " nor a checkpoint folder (manifest.json)");
  }

  /**
   * A flag given beside {@code --resume} must agree with the run's own config: the run continues
   * with its settings, so a different value is an error naming the flag, before anything is read.
   */
  private void rejectConflicts(ClassifyRun.Spec s, LrSchedule.Update update) {
    ClassifierConfig t = s.train();
    MixerChoice m = s.variants();
    ResumeConflicts bad = new ResumeConflicts(spec);
    bad.check("--dataset", dataset, s.dataset());
    bad.check("--model", model, s.preset());
    bad.checkPlace("--data-dir", dataDir == null ? null : Path.of(dataDir), s.data());
    bad.check("--image-size", imageSize, s.model().imageSize());
    bad.check("--widths", widths, s.model().widths());
    bad.check("--epochs", epochs, t.epochs());
    bad.check("--max-batches", maxBatches, t.maxBatchesPerEpoch());
    bad.check("--batch-size", batchSize, t.batchSize());
    bad.check("--eval-batch-size", evalBatchSize, t.evalBatchSize());
    bad.check("--lr", lr, t.lr());
    bad.check("--min-lr", minLr, t.minLr());
    bad.check("--warmup-epochs", warmupEpochs, t.warmupEpochs());
    bad.check("--lr-update", update, t.lrUpdate());
    bad.check("--label-smoothing", labelSmoothing, t.labelSmoothing());
    bad.check("--weight-decay", weightDecay, t.weightDecay());
    bad.check("--val-size", valSize, s.valSize());
    bad.check("--seed", seed, t.seed());
    bad.check("--recompute", recompute, t.recompute());
    bad.check("--scan", scanOption.name(), s.scan());
    if (initFrom != null && s.init() == null) {
      bad.check("--init-from", initFrom, "no initial weights");
    } else if (initFrom != null) {
      bad.checkPlace("--init-from", checkpointOf(initFrom), s.init().checkpoint());
    }
    MixerChoice chosen = variantOptions.over(m);
    bad.check("--token-mixer", chosen.tokenMixer(), m.tokenMixer());
    bad.check("--channel-mixer", chosen.channelMixer(), m.channelMixer());
    bad.check("--skip", chosen.skip(), m.skip());
    bad.check("--norm", chosen.norm(), m.norm());
    bad.throwIfAny();
  }

  private boolean given(String flag) {
    return ResumeConflicts.given(spec, flag);
  }

  private void requirePositive(String flag, Integer value) {
    if (value != null && value <= 0) {
      throw usage(flag + " must be positive, got " + value);
    }
  }

  private void requireNonNegative(String flag, Integer value) {
    if (value != null && value < 0) {
      throw usage(flag + " must not be negative, got " + value);
    }
  }

  /**
   * Hands the command line over to the registered {@code classify-<modality>} command, so a
   * modality module adds its classifier without this one knowing it.
   */
  private int otherModality() {
    picocli.CommandLine launcher = spec.commandLine().getParent();
    picocli.CommandLine target =
        launcher == null ? null : launcher.getSubcommands().get("classify-" + modality);
    if (target == null) {
      throw usage("no module registers the modality '" + modality + "' (no classify-" + modality
          + " command); known: image"
          + (launcher == null ? "" : launcher.getSubcommands().keySet().stream()
              .filter(n -> n.startsWith("classify-")).map(n -> ", " + n.substring(9))
              .reduce("", String::concat)));
    }
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    args.remove(0); // the sub-command's own name
    int at = args.indexOf("--modality");
    if (at >= 0) {
      args.subList(at, at + 2).clear();
    } else {
      args.removeIf(a -> a.startsWith("--modality="));
    }
    return target.execute(args.toArray(String[]::new));
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
