package org.mambamixer.vision.cli;

import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.InitFromOption;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.Precedence;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.Setting;
import org.mambamixer.runtime.cli.TrainingOptions;
import org.mambamixer.runtime.cli.VariantOptions;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.LrSchedule;
import org.mambamixer.vision.data.Holdout;
import org.mambamixer.vision.data.ImageSource;
import org.mambamixer.vision.model.Vim2Config;
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
    description = "train and evaluate a ViM2 classifier on an image dataset (prints test top-1)",
    footer = "Defaults: --epochs " + ClassifyCommand.DEFAULT_EPOCHS + ", --batch-size "
        + ClassifyCommand.DEFAULT_BATCH + ", --eval-batch-size " + ClassifyCommand.DEFAULT_EVAL_BATCH
        + ", --lr 1e-3, --weight-decay 0.05, --max-batches 0 (every batch).")
public final class ClassifyCommand implements LauncherCommand {
  static final int DEFAULT_EPOCHS = 10;
  static final int DEFAULT_BATCH = 32;
  private static final float DEFAULT_LR = 1e-3f;
  /** At 64, evaluating 28 x 28 images held the process at about 2.4 GB (docs/results-vim2.md). */
  static final int DEFAULT_EVAL_BATCH = 64;

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

  @Option(names = "--val-size", paramLabel = "N",
      description = "training images held out for choosing the best epoch (default: a tenth of"
          + " the training split, at most 5000; 0: none, the last epoch is tested)")
  Integer valSize;

  @Mixin InitFromOption initFrom;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin TrainingOptions training;

  @Option(names = "--modality", paramLabel = "NAME", defaultValue = "image",
      description = "image (ViM2, this command), or another registered modality, e.g. sequence:"
          + " the arguments go to its classify-NAME command (default ${DEFAULT-VALUE})")
  String modality;

  /** Options of another modality's command, passed on to it untouched. */
  @Unmatched List<String> unmatched = new ArrayList<>();

  @Spec CommandSpec spec;

  private static final String NAME = "classify";

  private final Variants variants;
  private ImageSource.Splits loaded;
  private String loadedKey;

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
    training.check(spec);
    requireNonNegative("--val-size", valSize);
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
    requirePositive("--image-size", imageSize);
    ImageSource source;
    Vim2Config preset;
    try {
      source = dataset == null ? null : ImageSource.named(dataset);
      preset = model == null ? null : Vim2Config.preset(model);
      variants.check(variantOptions.over(Vim2Config.VARIANTS)); // names before any work
      if (!training.resume() || given("--scan")) { // a resumed run keeps its own backend
        variants.checkScan(scanOption.name());
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    JsonObject resumed = training.resumedConfig(NAME);
    if (resumed != null) { // as this version reads it: fields it lacks hold their defaults
      resumed = ClassifyRun.configJson(ClassifyRun.readSpec(
          training.runDirs().runDir().resolve("config.json")));
    }
    JsonObject config = training.config(NAME);
    if (config != null && (dataset != null || model != null || imageSize != null)) {
      throw usage("--config reruns its run's data and model; --dataset, --model and --image-size"
          + " choose others: leave them off, or start a new run without --config");
    }
    if (resumed == null && config == null) {
      if (source == null) {
        throw usage(training.resume() ? "--resume found no run in " + training.runDirs().runDir()
            + " to continue; give --dataset to start it there"
            : "give --dataset NAME (fashion-mnist, mnist, cifar10, digits, folder)");
      } else if (source == ImageSource.FOLDER && dataDir == null) {
        throw usage("--dataset folder reads your images from --data-dir DIR"
            + " (DIR/train/<class>/*)");
      } else if (imageSize != null && source != ImageSource.FOLDER) {
        throw usage("--image-size resizes --dataset folder only; " + source.label()
            + " trains at its own size");
      }
    }
    ImageSource fresh = source;
    LrSchedule.Update chosen = update;
    JsonObject settled = Precedence.settle(spec, resumed, config, () -> {
      Path dir = ImageSource.dataDir(dataDir, System::getenv);
      return ClassifyRun.configJson(newSpec(fresh, preset,
          load(fresh, dir, imageSize != null ? imageSize : 0), dir, chosen));
    }, settings(update));
    ClassifyRun.Spec run;
    try {
      run = ClassifyRun.spec(settled);
    } catch (IllegalArgumentException e) {
      throw usage(training.origin() + e.getMessage());
    }
    if (!training.resume()) {
      run = run.withCommandLine(LauncherCommand.commandLine(spec));
      if (initFrom.given() != null) {
        checkInit(run);
      }
    }
    source = ImageSource.named(run.dataset());
    ImageSource.Splits splits = load(source, Path.of(run.data()), run.model().imageSize());
    Holdout held = Holdout.of(splits.train(), run.valSize(), run.train().seed());
    Path parent = training.runDirs().runDirOrNew(source.label() + "-" + run.preset());
    ClassifyRun runner = new ClassifyRun(variants, variants.scan(run.scan()), out,
        training.saveInterval());
    ClassifyRun.Outcome outcome = runner.execute(run, new ClassifyRun.Data(held.train(),
        held.val(), splits.test(), source.normalization(splits), source.augmentation()), parent,
        training.resume());
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
      int e = training.epochs(DEFAULT_EPOCHS);
      if (warmupEpochs != null && warmupEpochs >= e) {
        throw usage("--warmup-epochs " + warmupEpochs + " leaves no epoch of the cosine out of"
            + " --epochs " + e);
      }
      ClassifierConfig d = ClassifierConfig.defaults(e, training.batchSize(DEFAULT_BATCH),
          training.seed());
      tc = new ClassifierConfig(d.epochs(), d.batchSize(),
          training.evalBatchSize(DEFAULT_EVAL_BATCH), training.lr(DEFAULT_LR),
          minLr != null ? minLr : d.minLr(),
          warmupEpochs != null ? warmupEpochs : d.warmupEpochs(),
          training.weightDecay(d.weightDecay()),
          labelSmoothing != null ? labelSmoothing : d.labelSmoothing(), d.seed(),
          training.maxBatches(0), training.recompute(false),
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
    return new ClassifyRun.Spec(source.label(), base.name(), mc,
        variantOptions.over(Vim2Config.VARIANTS), tc, val, ResumeConflicts.place(dir),
        scanOption.name(), LauncherCommand.commandLine(spec), initFrom.given() == null ? null
            : initFrom.weights());
  }

  /**
   * The checkpoint {@code --init-from} names, checked against this run: where the source run's
   * config.json is at hand, its model and variants must be this run's (a clear error instead of
   * DJL's about a parameter's shape), and a different hold-out of the same dataset is reported:
   * the source may have trained on this run's validation images.
   */
  private void checkInit(ClassifyRun.Spec run) throws IOException {
    Path checkpoint = initFrom.checkpoint();
    Path runOf = checkpoint.getParent() == null ? null : checkpoint.getParent().getParent();
    Path config = runOf == null ? null : runOf.resolve("config.json");
    if (config != null && Files.isRegularFile(config)) {
      ClassifyRun.Origin from = ClassifyRun.Origin.read(config);
      if (!from.model().equals(run.model())) {
        throw usage("--init-from " + initFrom.given() + ": its model " + from.model()
            + " is not this run's " + run.model());
      }
      if (!from.variants().equals(run.variants())) {
        throw usage("--init-from " + initFrom.given() + ": its variants " + from.variants()
            + " are not this run's " + run.variants());
      }
      if (from.dataset().equals(run.dataset())
          && (from.valSize() != run.valSize() || from.seed() != run.train().seed())) {
        spec.commandLine().getOut().printf(Locale.ROOT, "warning: --init-from %s held out %d"
            + " images with seed %d, this run %d with seed %d: its weights may have trained on"
            + " this run's validation images%n", initFrom.given(), from.valSize(), from.seed(),
            run.valSize(), run.train().seed());
      }
    }
  }

  /** Both splits of {@code source} under {@code dir}, read once. */
  private ImageSource.Splits load(ImageSource source, Path dir, int size) throws IOException {
    String key = source.label() + "@" + ResumeConflicts.place(dir) + "@" + size;
    if (!key.equals(loadedKey)) {
      loaded = source.load(dir, size);
      loadedKey = key;
    }
    return loaded;
  }

  /** Every flag a run's config.json records, and where. */
  private List<Setting> settings(LrSchedule.Update update) throws IOException {
    List<Setting> s = new ArrayList<>(training.settings());
    s.addAll(List.of(Setting.of("--dataset", "dataset", dataset),
        Setting.of("--model", "preset", model),
        Setting.place("--data-dir", "data", dataDir == null ? null : Path.of(dataDir)),
        Setting.of("--image-size", "model.imageSize", imageSize),
        Setting.of("--widths", "model.widths", widths),
        Setting.of("--min-lr", "train.minLr", minLr),
        Setting.of("--warmup-epochs", "train.warmupEpochs", warmupEpochs),
        Setting.of("--lr-update", "train.lrUpdate", update),
        Setting.of("--label-smoothing", "train.labelSmoothing", labelSmoothing),
        Setting.of("--val-size", "val_size", valSize),
        scanOption.setting(),
        initFrom.setting(training.resume())));
    s.addAll(variantOptions.settings("variants"));
    return s;
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
