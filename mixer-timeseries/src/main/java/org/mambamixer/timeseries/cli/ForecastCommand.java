package org.mambamixer.timeseries.cli;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.cli.InitFromOption;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.Precedence;
import org.mambamixer.runtime.cli.Setting;
import org.mambamixer.runtime.cli.TrainingOptions;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.VariantOptions;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.report.Table;
import org.mambamixer.runtime.train.Checkpoint;
import org.mambamixer.timeseries.data.DataLocator;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.NaiveForecast;
import org.mambamixer.timeseries.data.Series;
import org.mambamixer.timeseries.data.SeriesCsv;
import org.mambamixer.timeseries.data.Splits;
import org.mambamixer.timeseries.model.ForecastCatalog;
import org.mambamixer.timeseries.model.ForecastRecipe;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.ForecastRun;
import org.mambamixer.timeseries.train.SeriesDefaults;
import org.mambamixer.timeseries.train.TrainConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./mambamixer forecast}: trains TSM2 on a dataset for one or more horizons, evaluates on
 * the test split and writes a run directory per horizon plus a combined results table.
 */
@Command(name = "forecast", mixinStandardHelpOptions = true,
    description = "train and evaluate TSM2 on a forecasting dataset (prints test MSE/MAE)",
    footer = "Defaults: the --budget's epochs, batches and schedule; --batch-size 32,"
        + " --eval-batch-size 256 (wide data wants fewer: weather's 21 variates peak at 8.4 GB at"
        + " 256, 3.6 GB at 64), --lr 1e-3, --weight-decay 0.05; a baseline with a recipe (tsmixer,"
        + " dlinear, patchtst) takes its paper's instead (docs/results-ablations.md, \"Faithful"
        + " baselines\").")
public final class ForecastCommand implements LauncherCommand {

  /** Where the series comes from: a dataset name looked up in the data directory, or a file. */
  static final class Source {
    @Option(names = "--dataset", paramLabel = "NAME",
        description = "ETTh1, ETTh2, ETTm1, ETTm2, weather, ... (see --data-dir)")
    String dataset;

    @Option(names = "--data", paramLabel = "CSV",
        description = "any CSV of the ETT/weather family instead of --dataset")
    Path data;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Source source;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "where datasets are looked up (else $MAMBAMIXER_DATA, else ~/.mambamixer/data)")
  String dataDir;

  @Option(names = "--lookback", paramLabel = "T", defaultValue = "96",
      description = "input length (the paper uses 512; default ${DEFAULT-VALUE}, or the --model's"
          + " recipe's, shorter for a series without preset that cannot fill it)")
  int lookback;

  @Option(names = "--horizon", paramLabel = "H", split = ",", defaultValue = "96",
      description = "forecast lengths, e.g. 96,192,336,720 (default ${DEFAULT-VALUE})")
  List<Integer> horizons;

  @Option(names = "--budget", paramLabel = "quick|full", defaultValue = "quick",
      description = "quick: 3 epochs of at most 120 batches (minutes); full: up to 10 epochs of"
          + " every batch, validated every 40 batches, back to the best with lr x 0.3 where"
          + " validation stops improving (by at least 1e-4 of the best), patience 4")
  Budget budget;

  @Option(names = "--patience", paramLabel = "N",
      description = "early-stopping patience in validations (default 3)")
  Integer patience;

  @Option(names = "--val-interval", paramLabel = "N",
      description = "also validate every N training batches inside an epoch (0: at its end only;"
          + " the budget's default)")
  Integer valInterval;

  @Option(names = "--plateau-decay", paramLabel = "F",
      description = "at a validation that is not the best, go back to the best checkpoint and"
          + " multiply the learning rate by F (0: off; the budget's default)")
  Float plateauDecay;

  @Option(names = "--min-delta", paramLabel = "F",
      description = "relative gain a validation must make over the best to count as better"
          + " (new best, patience reset); the full budget's default 1e-4, the quick budget's 0")
  Float minDelta;

  @Option(names = "--stop-lr", paramLabel = "F",
      description = "stop once plateau decays take the learning rate below F (0: never, the"
          + " default); 1e-5 saved about two fifths of the full budget's epochs for at most"
          + " 0.34 %% of validation MSE (docs/results-tsm2.md)")
  Float stopLr;

  @Option(names = "--lr-decay", paramLabel = "NAME",
      description = "the rate's schedule: cosine (to the floor, the default), type1 (x 0.5 per"
          + " epoch from the third, LTSF-Linear's), type3 (four epochs at the peak, then x 0.9"
          + " per epoch, PatchTST's), step:GAMMA:HOLD, or onecycle:PCT (PyTorch's OneCycleLR"
          + " over every batch, PCT of them climbing); dlinear and patchtst default to their"
          + " papers'")
  String lrDecay;

  @Option(names = "--d-model", paramLabel = "D", description = "patch embedding width (preset per dataset)")
  Integer dModel;

  @Option(names = "--layers", paramLabel = "L", description = "MambaMixer layers (preset per dataset)")
  Integer layers;

  @Option(names = "--d-state", paramLabel = "N", description = "SSM state size (default 16)")
  Integer dState;

  @Option(names = "--patch", paramLabel = "P", description = "patch length (default 16)")
  Integer patch;

  @Option(names = "--stride", paramLabel = "S", description = "patch stride (default 8)")
  Integer stride;

  @Option(names = "--dropout", paramLabel = "P", description = "dropout (preset per dataset)")
  Float dropout;

  @Option(names = "--no-revin", description = "switch off reversible instance normalisation")
  boolean noRevin;

  @Option(names = "--val-every", paramLabel = "K", defaultValue = "1",
      description = "validate on every K-th validation window (model selection only; test is never"
          + " thinned)")
  int valEvery;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "tsm2",
      description = "forecaster: tsm2, or a registered baseline (dlinear, patchtst, tsmixer,"
          + " tsm2-attention, tsm2-mlp-mixers, ...); a baseline named alone runs at its paper's"
          + " recipe (lookback, sizes, optimiser, batch, epochs), each typed flag over it"
          + " (default ${DEFAULT-VALUE})")
  String modelName;

  @Mixin InitFromOption initFrom;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin TrainingOptions training;

  @Spec CommandSpec spec;

  enum Budget { quick, full }

  /** The run directory's record of the horizons it was started with. */
  private static final String HORIZONS = "horizons.json";
  private static final Gson GSON = new Gson();
  private static final String NAME = "forecast";

  private final ForecastCatalog catalog;
  private final Variants variants;

  @Inject
  public ForecastCommand(ForecastCatalog catalog) {
    this.catalog = catalog;
    this.variants = catalog.variants();
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    training.check(spec);
    for (int h : horizons) {
      requirePositive("--horizon", h);
    }
    requirePositive("--lookback", lookback);
    requirePositive("--val-every", valEvery);
    try {
      // Every name before any work.
      variants.check(variantOptions.over(catalog.model(modelName).variants()));
      variants.checkScan(scanOption.name());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    // A checkpoint holds one horizon's head; the other horizons' heads have other shapes.
    if (initFrom.given() != null && horizons.size() > 1) {
      throw usage("--init-from " + initFrom.given() + " gives the weights of one model: give one"
          + " --horizon, not " + horizons.size());
    }
    JsonObject config = training.config(NAME);
    if (source == null && config == null && !training.resume()) {
      throw usage("give --dataset NAME or --data CSV (or --config FILE of an earlier run)");
    }
    JsonObject resumed = training.resume() ? storedConfig(training.runDirs().runDir()) : null;
    Optional<ForecastRecipe> recipe = catalog.model(modelName).recipe(seriesName());
    // A recipe's sizes are its paper's whatever the series; only a recipe-less model takes them
    // from the size of a series without preset.
    SeriesDefaults auto = source != null && config == null && resumed == null && recipe.isEmpty()
        ? seriesDefaults(out) : null;
    int newLookback = auto != null ? auto.lookback()
        : recipe.isPresent() && !given("--lookback") ? recipe.get().lookback() : lookback;
    Path parent = training.runDirs().runDirOrNew(runName(config) + "-L" + newLookback);
    if (training.resume() && resumed == null && source == null) {
      throw usage("--resume found no run in " + parent + " to continue; give --dataset or --data"
          + " to start it there");
    }
    if (config != null && !given("--horizon")) {
      horizons = List.of(config.getAsJsonObject("model").get("horizon").getAsInt());
    }
    JsonObject settled = Precedence.settle(spec, resumed, config,
        () -> ForecastRun.configJson(fresh(auto, recipe, newLookback)), settings());
    ForecastRun.Spec base;
    try {
      base = ForecastRun.spec(settled);
      variants.check(base.model().variants());
      if (resumed == null) {
        // A typed --epochs leaves no more warm-up than it has epochs, as the budgets do.
        base = base.withTrain(base.train().withEpochs(base.train().epochs()))
            .withCommandLine(LauncherCommand.commandLine(spec));
      }
    } catch (IllegalArgumentException e) {
      throw usage(training.origin() + e.getMessage());
    }
    Path csv = Path.of(base.data());
    TrainConfig train = base.train();
    SelectiveScan scan = variants.scan(base.scan());
    ForecastRun runner = new ForecastRun(catalog, scan, out, training.saveInterval());
    recordHorizons(parent);
    List<ForecastRun.Outcome> outcomes = new ArrayList<>();
    for (int h : horizons) {
      ForecastData data = ForecastData.load(csv, base.model().lookback(), h, train.batchSize(),
          train.seed());
      String dataset = data.series().name();
      Tsm2Config model = base.model().withHorizon(h);
      NaiveForecast.Result naive = NaiveForecast.evaluate(data.test());
      out.printf(Locale.ROOT, "%s H=%d: repeat-last-value baseline on test: MSE %.4f  MAE %.4f%n",
          dataset, h, naive.mse(), naive.mae());
      Path dir = parent.resolve("H" + h);
      Files.createDirectories(dir);
      if (!training.resume() || !Files.exists(dir.resolve("scaler.json"))) {
        AtomicFiles.writeString(dir.resolve("scaler.json"),
            GSON.toJson(data.scaler()));
      }
      outcomes.add(runner.execute(new ForecastRun.Spec(dataset, model, train, base.data(),
          base.valEvery(), base.scan(), base.commandLine(), Checkpoint.sha256(csv),
          base.architecture(), base.init()), data.train(), data.val().every(base.valEvery()), data.test(), dir,
          training.resume()));
      ForecastRun.writeResults(parent, outcomes);
    }
    out.println();
    out.println(Table.parseCsv(Files.readString(parent.resolve("results.csv")), "results.csv")
        .toMarkdown(4));
    out.println("run directory: " + parent.toAbsolutePath());
    return 0;
  }

  /**
   * Defaults from the size of a series that has no preset (logged), or null for a preset
   * dataset. A lookback given by flag is kept; the other flags apply over the defaults later.
   */
  private SeriesDefaults seriesDefaults(PrintWriter out) throws IOException {
    Path csv = source.data != null ? source.data
        : DataLocator.fromEnvironment(dataDir).locate(source.dataset);
    Series series = SeriesCsv.read(csv);
    if (Tsm2Config.hasPreset(series.name())) {
      return null;
    }
    int trainRows = Splits.forDataset(series.name(), series.rows()).train().size();
    int longest = horizons.stream().mapToInt(Integer::intValue).max().orElseThrow();
    SeriesDefaults d;
    try {
      d = SeriesDefaults.choose(series.name(), trainRows, series.variates(),
          given("--lookback") ? lookback : null, longest,
          training.batchSize(budgetConfig().batchSize()));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    out.println(d.describe());
    return d;
  }

  /** The series' name as its preset and a recipe know it, or "" without a source. */
  private String seriesName() {
    if (source == null) {
      return "";
    }
    return source.data != null ? SeriesCsv.datasetName(source.data) : source.dataset;
  }

  private static Tsm2Config generic(SeriesDefaults auto, Tsm2Config preset) {
    return auto == null ? preset : auto.model(preset);
  }

  private TrainConfig budgetConfig() {
    TrainConfig t = budget == Budget.quick ? TrainConfig.quick() : TrainConfig.full();
    return t.withSeed(training.seed());
  }

  /**
   * A new run from the dataset's preset (or the series' defaults) and the budget, or from the
   * model's recipe where it has one.
   */
  private ForecastRun.Spec fresh(SeriesDefaults auto, Optional<ForecastRecipe> recipe, int t)
      throws IOException {
    Path csv = source.data != null ? source.data
        : DataLocator.fromEnvironment(dataDir).locate(source.dataset);
    Series series = SeriesCsv.read(csv);
    Tsm2Config preset = Tsm2Config.preset(series.name(), t, series.variates())
        .withVariants(catalog.model(modelName).variants());
    Tsm2Config model = recipe.map(r -> r.shape().apply(preset)).orElse(generic(auto, preset));
    TrainConfig train = recipe.map(r -> r.train().withSeed(training.seed()))
        .orElse(auto != null ? auto.train(budgetConfig()) : budgetConfig());
    return new ForecastRun.Spec(series.name(), model.withHorizon(horizons.get(0)), train,
        ResumeConflicts.place(csv), valEvery, scanOption.name(), LauncherCommand.commandLine(spec),
        Checkpoint.sha256(csv), modelName);
  }

  /**
   * Every flag a run's config.json records, and where; the budget first, so the flags that
   * override a budget's settings come after it.
   */
  private List<Setting> settings() throws IOException {
    List<Setting> s = new ArrayList<>();
    s.add(Setting.of("--budget", "train", given("--budget") ? budgetConfig() : null)
        .comparing("train.epochs", "train.maxBatchesPerEpoch"));
    s.addAll(training.settings());
    s.addAll(List.of(
        source == null || source.data == null
            ? Setting.place("--dataset", "data", source == null || source.dataset == null ? null
                : DataLocator.fromEnvironment(dataDir).locate(source.dataset))
            : Setting.place("--data", "data", source.data),
        Setting.of("--lookback", "model.lookback", lookback),
        Setting.of("--val-every", "val_every", valEvery),
        Setting.of("--model", "architecture", modelName),
        scanOption.setting(),
        Setting.of("--patience", "train.patience", patience),
        Setting.of("--val-interval", "train.valInterval", valInterval),
        Setting.of("--plateau-decay", "train.plateauDecay", plateauDecay),
        Setting.of("--min-delta", "train.minDelta", minDelta),
        Setting.of("--stop-lr", "train.stopLr", stopLr),
        Setting.of("--lr-decay", "train.lrDecay", lrDecay),
        Setting.of("--d-model", "model.dModel", dModel),
        Setting.of("--layers", "model.layers", layers),
        Setting.of("--d-state", "model.dState", dState),
        Setting.of("--patch", "model.patchLen", patch),
        Setting.of("--stride", "model.stride", stride),
        Setting.of("--dropout", "model.dropout", dropout),
        Setting.of("--no-revin", "model.revin", noRevin ? false : null),
        initFrom.setting(training.resume())));
    s.addAll(variantOptions.settings("model.variants"));
    return s;
  }

  private void requirePositive(String flag, int value) {
    if (value <= 0) {
      throw usage(flag + " must be positive, got " + value);
    }
  }

  /**
   * The settings of the run being resumed, from its horizons' config.json files, or null where
   * the run has written none yet (then {@code --resume} starts fresh, as documented). Without
   * {@code --horizon}, the run's own horizons are resumed: those it recorded when it started, as
   * a run killed in its first horizon has no folder for the others yet.
   */
  private JsonObject storedConfig(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return null;
    }
    List<Integer> recorded = recordedHorizons(parent);
    if (!recorded.isEmpty() && !given("--horizon")) {
      horizons = recorded;
    }
    List<Integer> own;
    try (var dirs = Files.list(parent)) {
      own = dirs.filter(d -> d.getFileName().toString().matches("H\\d+")
              && Files.isRegularFile(d.resolve("config.json")))
          .map(d -> Integer.parseInt(d.getFileName().toString().substring(1))).sorted().toList();
    }
    if (own.isEmpty()) {
      return null;
    }
    if (recorded.isEmpty() && !given("--horizon")) {
      horizons = own; // a run from before horizons.json
    }
    int h = own.contains(horizons.get(0)) ? horizons.get(0) : own.get(0);
    // As this version reads it: fields it lacks hold their defaults.
    return ForecastRun.configJson(ForecastRun.readSpec(parent.resolve("H" + h)
        .resolve("config.json")));
  }

  /** The horizons in {@code parent/horizons.json}, or none where the run has not written it. */
  private static List<Integer> recordedHorizons(Path parent) throws IOException {
    Path file = parent.resolve(HORIZONS);
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      return List.of(GSON.fromJson(Files.readString(file), Integer[].class));
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a list of horizons: " + e.getMessage(), e);
    }
  }

  /**
   * Adds the horizons of this command to those the run directory records, before any is
   * trained: a resume without {@code --horizon} then finishes every one of them.
   */
  private void recordHorizons(Path parent) throws IOException {
    for (int h : horizons) {
      Path dir = parent.resolve("H" + h);
      if (!training.resume() && Files.exists(dir.resolve("state.json"))) {
        // ForecastRun refuses it too, but only once the record below would have changed.
        throw new IOException(dir + " already holds a run; pass --resume to continue it or"
            + " choose another --run-dir");
      }
    }
    List<Integer> all = new ArrayList<>(recordedHorizons(parent));
    horizons.stream().filter(h -> !all.contains(h)).forEach(all::add);
    Files.createDirectories(parent);
    AtomicFiles.writeString(parent.resolve(HORIZONS), GSON.toJson(all));
  }

  private boolean given(String flag) {
    return ResumeConflicts.given(spec, flag);
  }

  private String runName(JsonObject config) {
    if (source == null) {
      return config != null ? config.get("dataset").getAsString() : "run";
    }
    return source.data != null ? name(source.data) : source.dataset;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String name(Path csv) {
    String n = csv.getFileName().toString();
    return n.replaceAll("(?i)\\.csv(\\.gz)?$", "");
  }
}
