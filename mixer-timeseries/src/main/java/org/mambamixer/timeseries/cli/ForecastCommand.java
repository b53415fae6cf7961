package org.mambamixer.timeseries.cli;

import com.google.gson.Gson;
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
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.ResumeConflicts;
import org.mambamixer.runtime.cli.RunDirOptions;
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
    description = "train and evaluate TSM2 on a forecasting dataset (prints test MSE/MAE)")
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

  @Option(names = "--config", paramLabel = "FILE",
      description = "rerun a run from its config.json: every setting from the file, flags given"
          + " beside it override (and are recorded in the new run's config)")
  Path configFile;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "where datasets are looked up (else $MAMBAMIXER_DATA, else ~/.mambamixer/data)")
  String dataDir;

  @Option(names = "--lookback", paramLabel = "T", defaultValue = "96",
      description = "input length (the paper uses 512; default ${DEFAULT-VALUE}, shorter for a"
          + " series without preset that cannot fill it)")
  int lookback;

  @Option(names = "--horizon", paramLabel = "H", split = ",", defaultValue = "96",
      description = "forecast lengths, e.g. 96,192,336,720 (default ${DEFAULT-VALUE})")
  List<Integer> horizons;

  @Option(names = "--budget", paramLabel = "quick|full", defaultValue = "quick",
      description = "quick: 3 epochs of at most 120 batches (minutes); full: up to 10 epochs of"
          + " every batch, validated every 40 batches, back to the best with lr x 0.3 where"
          + " validation stops improving (by at least 1e-4 of the best), patience 4")
  Budget budget;

  @Option(names = "--epochs", paramLabel = "N", description = "maximum epochs (overrides the budget)")
  Integer epochs;

  @Option(names = "--max-batches", paramLabel = "N",
      description = "training batches per epoch, 0 = all (overrides the budget)")
  Integer maxBatches;

  @Option(names = "--batch-size", paramLabel = "N", description = "training batch size (default 32)")
  Integer batchSize;

  @Option(names = "--lr", paramLabel = "RATE", description = "peak learning rate (default 1e-3)")
  Float lr;

  @Option(names = "--weight-decay", paramLabel = "WD", description = "AdamW weight decay (default 0.05)")
  Float weightDecay;

  @Option(names = "--patience", paramLabel = "N",
      description = "early-stopping patience in validations (default 3)")
  Integer patience;

  @Option(names = "--eval-batch-size", paramLabel = "N",
      description = "windows per validation and test batch (default 256); wide data wants fewer:"
          + " weather's 21 variates peak at 8.4 GB at 256, 3.6 GB at 64")
  Integer evalBatchSize;

  @Option(names = "--recompute",
      description = "recompute each sublayer's activations in the backward instead of keeping"
          + " them: peak memory of one sublayer, about a third more compute")
  Boolean recompute;

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

  @Option(names = "--seed", paramLabel = "N", defaultValue = "2021",
      description = "seed of parameters, dropout and shuffling (default ${DEFAULT-VALUE})")
  long seed;

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
      description = "forecaster: tsm2, or a registered baseline (dlinear, patchtst, tsmixer, ...)"
          + " (default ${DEFAULT-VALUE})")
  String modelName;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin RunDirOptions runDirs;

  @Spec CommandSpec spec;

  enum Budget { quick, full }

  /** The run directory's record of the horizons it was started with. */
  private static final String HORIZONS = "horizons.json";
  private static final Gson GSON = new Gson();

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
    if (runDirs.resume() && runDirs.runDir() == null) {
      throw usage("--resume needs the --run-dir of the run to continue");
    }
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
    if (runDirs.resume() && configFile != null) {
      throw usage("--resume continues a run with its own config; --config starts a new one from"
          + " another run's: give one of them");
    }
    ForecastRun.Spec base = configFile != null ? ForecastRun.readSpec(configFile) : null;
    if (source == null && base == null && !runDirs.resume()) {
      throw usage("give --dataset NAME or --data CSV (or --config FILE of an earlier run)");
    }
    ForecastRun.Spec stored = runDirs.resume() ? storedSpec(runDirs.runDir()) : null;
    SeriesDefaults auto = source != null && base == null && stored == null
        ? seriesDefaults(out) : null;
    int newLookback = auto != null ? auto.lookback() : lookback;
    Path parent = runDirs.runDirOrNew(runName(base) + "-L" + newLookback);
    if (stored != null) {
      rejectConflicts(stored);
    } else if (runDirs.resume() && source == null) {
      throw usage("--resume found no run in " + parent + " to continue; give --dataset or --data"
          + " to start it there");
    }
    if (base != null && !given("--horizon")) {
      horizons = List.of(base.model().horizon());
    }
    TrainConfig train = stored != null ? stored.train()
        : trainConfig(base != null && !given("--budget") ? base.train()
            : auto != null && !given("--budget") ? auto.train(budgetConfig()) : budgetConfig());
    Path csv = stored != null ? Path.of(stored.data()) : source != null && source.data != null
        ? source.data : source != null ? DataLocator.fromEnvironment(dataDir).locate(source.dataset)
        : Path.of(base.data());
    String scanName = stored != null ? stored.scan()
        : base != null && !given("--scan") ? base.scan() : scanOption.name();
    int t = stored != null ? stored.model().lookback()
        : base != null && !given("--lookback") ? base.model().lookback() : newLookback;
    SelectiveScan scan = variants.scan(scanName);
    ForecastRun runner = new ForecastRun(catalog, scan, out);
    String architecture = stored != null ? stored.architecture()
        : base != null && !given("--model") ? base.architecture() : modelName;
    recordHorizons(parent);
    List<ForecastRun.Outcome> outcomes = new ArrayList<>();
    for (int h : horizons) {
      ForecastData data = ForecastData.load(csv, t, h, train.batchSize(), train.seed());
      String dataset = data.series().name();
      Tsm2Config model = stored != null ? stored.model().withHorizon(h)
          : modelConfig(base != null ? base.model().withLookback(t) : generic(auto,
              Tsm2Config.preset(dataset, t, data.series().variates())
                  .withVariants(catalog.model(architecture).variants()))).withHorizon(h);
      NaiveForecast.Result naive = NaiveForecast.evaluate(data.test());
      out.printf(Locale.ROOT, "%s H=%d: repeat-last-value baseline on test: MSE %.4f  MAE %.4f%n",
          dataset, h, naive.mse(), naive.mae());
      Path dir = parent.resolve("H" + h);
      Files.createDirectories(dir);
      if (!runDirs.resume() || !Files.exists(dir.resolve("scaler.json"))) {
        AtomicFiles.writeString(dir.resolve("scaler.json"),
            GSON.toJson(data.scaler()));
      }
      int every = stored != null ? stored.valEvery()
          : base != null && !given("--val-every") ? base.valEvery() : valEvery;
      outcomes.add(runner.execute(new ForecastRun.Spec(dataset, model, train,
          ResumeConflicts.place(csv), every, scanName, LauncherCommand.commandLine(spec),
          Checkpoint.sha256(csv), architecture),
          data.train(), data.val().every(every), data.test(), dir, runDirs.resume()));
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
          batchSize != null ? batchSize : budgetConfig().batchSize());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    out.println(d.describe());
    return d;
  }

  private static Tsm2Config generic(SeriesDefaults auto, Tsm2Config preset) {
    return auto == null ? preset : auto.model(preset);
  }

  private TrainConfig budgetConfig() {
    TrainConfig t = budget == Budget.quick ? TrainConfig.quick() : TrainConfig.full();
    return t.withSeed(seed);
  }

  /** {@code base} with every training flag that was given applied over it. */
  private TrainConfig trainConfig(TrainConfig base) {
    TrainConfig t = given("--seed") ? base.withSeed(seed) : base;
    try {
      if (epochs != null) {
        t = t.withEpochs(epochs);
      }
      if (maxBatches != null) {
        t = t.withMaxBatches(maxBatches);
      }
      if (batchSize != null) {
        t = t.withBatch(batchSize);
      }
      if (lr != null) {
        t = t.withLr(lr);
      }
      if (weightDecay != null) {
        t = t.withWeightDecay(weightDecay);
      }
      if (patience != null) {
        t = t.withPatience(patience);
      }
      if (recompute != null) {
        t = t.withRecompute(recompute);
      }
      if (evalBatchSize != null) {
        t = t.withEvalBatch(evalBatchSize);
      }
      if (valInterval != null) {
        t = t.withValInterval(valInterval);
      }
      if (plateauDecay != null) {
        t = t.withPlateauDecay(plateauDecay);
      }
      if (minDelta != null) {
        t = t.withMinDelta(minDelta);
      }
      if (stopLr != null) {
        t = t.withStopLr(stopLr);
      }
      return t;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** {@code base} (a preset, or an earlier run's model) with every model flag given over it. */
  private Tsm2Config modelConfig(Tsm2Config base) {
    try {
      Tsm2Config c = base;
      if (dModel != null || layers != null) {
        c = c.withModel(dModel != null ? dModel : c.dModel(), layers != null ? layers : c.layers());
      }
      if (patch != null || stride != null) {
        c = c.withPatch(patch != null ? patch : c.patchLen(), stride != null ? stride : c.stride());
      }
      if (dState != null) {
        c = c.withDState(dState);
      }
      if (dropout != null) {
        c = c.withDropout(dropout);
      }
      if (given("--no-revin")) {
        c = c.withRevin(!noRevin);
      }
      c = c.withVariants(variantOptions.over(c.variants()));
      variants.check(c.variants());
      return c;
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
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
  private ForecastRun.Spec storedSpec(Path parent) throws IOException {
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
    return ForecastRun.readSpec(parent.resolve("H" + h).resolve("config.json"));
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
      if (!runDirs.resume() && Files.exists(dir.resolve("state.json"))) {
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

  /**
   * A flag given beside {@code --resume} must agree with the run's own config: the run continues
   * with its settings, so a different value is an error that names the flag, and nothing in the
   * run directory has been touched yet.
   */
  private void rejectConflicts(ForecastRun.Spec s) {
    Tsm2Config m = s.model();
    TrainConfig t = s.train();
    ResumeConflicts bad = new ResumeConflicts(spec);
    bad.check("--lookback", lookback, m.lookback());
    bad.check("--seed", seed, t.seed());
    bad.check("--val-every", valEvery, s.valEvery());
    bad.check("--scan", scanOption.name(), s.scan());
    bad.check("--model", modelName, s.architecture());
    bad.check("--epochs", epochs, t.epochs());
    bad.check("--max-batches", maxBatches, t.maxBatchesPerEpoch());
    bad.check("--batch-size", batchSize, t.batchSize());
    bad.check("--lr", lr, t.lr());
    bad.check("--weight-decay", weightDecay, t.weightDecay());
    bad.check("--patience", patience, t.patience());
    bad.check("--val-interval", valInterval, t.valInterval());
    bad.check("--eval-batch-size", evalBatchSize, t.evalBatchSize());
    bad.check("--recompute", recompute, t.recompute());
    bad.check("--plateau-decay", plateauDecay, t.plateauDecay());
    bad.check("--min-delta", minDelta, t.minDelta());
    bad.check("--stop-lr", stopLr, t.stopLr());
    bad.check("--d-model", dModel, m.dModel());
    bad.check("--layers", layers, m.layers());
    bad.check("--d-state", dState, m.dState());
    bad.check("--patch", patch, m.patchLen());
    bad.check("--stride", stride, m.stride());
    bad.check("--dropout", dropout, m.dropout());
    bad.check("--no-revin", noRevin, !m.revin());
    MixerChoice chosen = variantOptions.over(m.variants());
    bad.check("--token-mixer", chosen.tokenMixer(), m.variants().tokenMixer());
    bad.check("--channel-mixer", chosen.channelMixer(), m.variants().channelMixer());
    bad.check("--skip", chosen.skip(), m.variants().skip());
    bad.check("--norm", chosen.norm(), m.variants().norm());
    if (source != null && source.data != null) {
      bad.checkPlace("--data", source.data, s.data());
    }
    if (budget != Budget.quick || given("--budget")) {
      TrainConfig b = budget == Budget.quick ? TrainConfig.quick() : TrainConfig.full();
      if (b.epochs() != t.epochs() || b.maxBatchesPerEpoch() != t.maxBatchesPerEpoch()) {
        bad.add("--budget " + budget + " (the run was started with " + t.epochs()
            + " epochs of " + (t.maxBatchesPerEpoch() == 0 ? "every" : "at most "
            + t.maxBatchesPerEpoch()) + " batches)");
      }
    }
    bad.throwIfAny();
  }

  private boolean given(String flag) {
    return ResumeConflicts.given(spec, flag);
  }

  private String runName(ForecastRun.Spec base) {
    if (source == null) {
      return base != null ? base.dataset() : "run";
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
