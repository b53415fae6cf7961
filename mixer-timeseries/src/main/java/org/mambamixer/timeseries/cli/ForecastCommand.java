package org.mambamixer.timeseries.cli;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.BackboneFactory;
import org.mambamixer.api.cli.Command;
import org.mambamixer.api.cli.Flags;
import org.mambamixer.api.cli.UsageException;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.report.AtomicFiles;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.skip.SkipAggregation;
import org.mambamixer.api.skip.WeightedAverage;
import org.mambamixer.cuda.inject.ScanBackend;
import org.mambamixer.cuda.inject.ScanBackendModule;
import org.mambamixer.timeseries.data.DataLocator;
import org.mambamixer.timeseries.data.ForecastData;
import org.mambamixer.timeseries.data.NaiveForecast;
import org.mambamixer.timeseries.model.Tsm2Config;
import org.mambamixer.timeseries.train.ForecastRun;
import org.mambamixer.timeseries.train.TrainConfig;

/**
 * {@code ./mambamixer forecast}: trains TSM2 on a dataset for one or more horizons, evaluates on
 * the test split and writes a run directory per horizon plus a combined results table.
 */
public final class ForecastCommand implements Command {
  private static final Flags.Spec FLAGS = new Flags.Spec()
      .option("dataset", "NAME", null, "ETTh1, ETTh2, ETTm1, ETTm2, weather, ... (see --data-dir)")
      .option("data", "CSV", null, "any CSV of the ETT/weather family instead of --dataset")
      .option("data-dir", "DIR", null,
          "where datasets are looked up (else $MAMBAMIXER_DATA, else ~/.mambamixer/data)")
      .option("lookback", "T", "96", "input length (the paper uses 512)")
      .option("horizon", "H[,H...]", "96", "forecast lengths, e.g. 96,192,336,720")
      .option("budget", "quick|full", "quick",
          "quick: 3 epochs of at most 120 batches (minutes); full: 10 epochs, every batch")
      .option("epochs", "N", null, "maximum epochs (overrides the budget)")
      .option("max-batches", "N", null, "training batches per epoch, 0 = all (overrides the budget)")
      .option("batch-size", "N", null, "training batch size (default 32)")
      .option("lr", "RATE", null, "peak learning rate (default 1e-3)")
      .option("weight-decay", "WD", null, "AdamW weight decay (default 0.05)")
      .option("patience", "N", null, "early-stopping patience in epochs (default 3)")
      .option("seed", "N", "2021", "seed of parameters, dropout and shuffling")
      .option("d-model", "D", null, "patch embedding width (preset per dataset)")
      .option("layers", "L", null, "MambaMixer layers (preset per dataset)")
      .option("d-state", "N", null, "SSM state size (default 16)")
      .option("patch", "P", null, "patch length (default 16)")
      .option("stride", "S", null, "patch stride (default 8)")
      .option("dropout", "P", null, "dropout (preset per dataset)")
      .option("averaging", "learned|softmax|frozen", "learned",
          "weighted averaging of earlier features (frozen = plain residual stack)")
      .flag("no-revin", "switch off reversible instance normalisation")
      .flag("bidirectional-time", "scan time both ways (the paper's Fig. 3) instead of causally")
      .option("val-every", "K", "1",
          "validate on every K-th validation window (model selection only; test is never thinned)")
      .option("scan", "auto|cpu|cuda|reference", "auto", "selective-scan backend")
      .option("runs-dir", "DIR", "runs", "parent of new run directories")
      .option("run-dir", "DIR", null, "the run directory (default: a new one under --runs-dir)")
      .flag("resume", "continue the run in --run-dir from its last finished epoch (fresh where none)");

  private final PrintStream out;

  public ForecastCommand() {
    this(System.out);
  }

  ForecastCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public String summary() {
    return "train and evaluate TSM2 on a forecasting dataset (prints test MSE/MAE)";
  }

  @Override
  public Flags.Spec flags() {
    return FLAGS;
  }

  @Override
  public int run(Flags f) throws Exception {
    if (f.has("dataset") == f.has("data")) {
      throw new UsageException("give exactly one of --dataset NAME or --data CSV");
    }
    if (f.bool("resume") && !f.has("run-dir")) {
      throw new UsageException("--resume needs the --run-dir of the run to continue");
    }
    int lookback = f.positiveInt("lookback");
    List<Integer> horizons = f.intList("horizon");
    TrainConfig train = trainConfig(f);
    f.positiveInt("val-every");
    ScanBackend backend;
    try {
      backend = ScanBackend.parse(f.required("scan"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    AbstractModule averaging = averaging(f.choice("averaging", "learned", "softmax", "frozen"));
    Path csv = f.has("data") ? Path.of(f.required("data"))
        : DataLocator.fromEnvironment(f.string("data-dir")).locate(f.required("dataset"));
    Injector injector =
        Guice.createInjector(new MixerModule(), new ScanBackendModule(backend), averaging);
    SelectiveScan scan = injector.getInstance(SelectiveScan.class);
    ForecastRun runner = new ForecastRun(injector.getInstance(BackboneFactory.class), scan, out);
    Path parent = f.has("run-dir") ? f.path("run-dir") : f.path("runs-dir").resolve(
        name(csv) + "-L" + lookback + "-" + LocalDateTime.now().format(
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    List<ForecastRun.Outcome> outcomes = new ArrayList<>();
    for (int h : horizons) {
      ForecastData data = ForecastData.load(csv, lookback, h, train.batchSize(), train.seed());
      String dataset = data.series().name();
      Tsm2Config model = modelConfig(f, dataset, lookback, data.series().variates()).withHorizon(h);
      NaiveForecast.Result naive = NaiveForecast.evaluate(data.test());
      out.printf(Locale.ROOT, "%s H=%d: repeat-last-value baseline on test: MSE %.4f  MAE %.4f%n",
          dataset, h, naive.mse(), naive.mae());
      Path dir = parent.resolve("H" + h);
      java.nio.file.Files.createDirectories(dir);
      AtomicFiles.writeString(dir.resolve("scaler.json"),
          new com.google.gson.Gson().toJson(data.scaler()));
      outcomes.add(runner.execute(new ForecastRun.Spec(dataset, model, train, csv.toString(),
          f.positiveInt("val-every")),
          data.train(), data.val().every(f.positiveInt("val-every")), data.test(), dir,
          f.bool("resume")));
      ForecastRun.writeResults(parent, outcomes);
    }
    out.println();
    out.println(org.mambamixer.api.report.Table.parseCsv(
        java.nio.file.Files.readString(parent.resolve("results.csv")), "results.csv")
        .toMarkdown(4));
    out.println("run directory: " + parent.toAbsolutePath());
    return 0;
  }

  static TrainConfig trainConfig(Flags f) {
    TrainConfig t = f.choice("budget", "quick", "full").equals("quick")
        ? TrainConfig.quick() : TrainConfig.full();
    t = t.withSeed(f.integer("seed"));
    if (f.has("epochs")) {
      t = t.withEpochs(f.positiveInt("epochs"));
    }
    if (f.has("max-batches")) {
      t = t.withMaxBatches(f.integer("max-batches"));
    }
    if (f.has("batch-size")) {
      t = t.withBatch(f.positiveInt("batch-size"));
    }
    if (f.has("lr")) {
      t = t.withLr(f.number("lr"));
    }
    if (f.has("weight-decay")) {
      t = t.withWeightDecay(f.number("weight-decay"));
    }
    if (f.has("patience")) {
      t = t.withPatience(f.positiveInt("patience"));
    }
    return t;
  }

  static Tsm2Config modelConfig(Flags f, String dataset, int lookback, int variates) {
    Tsm2Config c;
    try {
      c = Tsm2Config.preset(dataset, lookback, variates);
      if (f.has("d-model") || f.has("layers")) {
        c = c.withModel(f.has("d-model") ? f.positiveInt("d-model") : c.dModel(),
            f.has("layers") ? f.positiveInt("layers") : c.layers());
      }
      if (f.has("patch") || f.has("stride")) {
        c = c.withPatch(f.has("patch") ? f.positiveInt("patch") : c.patchLen(),
            f.has("stride") ? f.positiveInt("stride") : c.stride());
      }
      if (f.has("d-state")) {
        c = new Tsm2Config(c.lookback(), c.horizon(), c.variates(), c.patchLen(), c.stride(),
            c.padEnd(), c.dModel(), c.layers(), c.expand(), f.positiveInt("d-state"), c.dConv(),
            c.dropout(), c.revin(), c.bidirectionalTime(), c.exogenous());
      }
      if (f.has("dropout")) {
        c = c.withDropout(f.number("dropout"));
      }
      return c.withRevin(!f.bool("no-revin")).withBidirectionalTime(f.bool("bidirectional-time"));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The D8 switch as a module: one binding per choice, no condition in model code. */
  static AbstractModule averaging(String mode) {
    WeightedAverage.Mode m = WeightedAverage.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    return new AbstractModule() {
      @Override
      protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), SkipAggregation.Factory.class).setBinding()
            .toInstance(layers -> new WeightedAverage(layers, m));
      }
    };
  }

  private static String name(Path csv) {
    String n = csv.getFileName().toString();
    return n.replaceAll("(?i)\\.csv(\\.gz)?$", "");
  }
}
