package org.mambamixer.toy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.runtime.cli.LauncherCommand;
import org.mambamixer.runtime.cli.Precedence;
import org.mambamixer.runtime.cli.ScanOption;
import org.mambamixer.runtime.cli.Setting;
import org.mambamixer.runtime.cli.TrainingOptions;
import org.mambamixer.runtime.cli.VariantOptions;
import org.mambamixer.runtime.report.RunConfig;
import org.mambamixer.runtime.train.ClassifierConfig;
import org.mambamixer.runtime.train.Stop;
import org.mambamixer.runtime.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./mambamixer train-toy}: the toy modality's one command. */
@Command(name = "train-toy", mixinStandardHelpOptions = true,
    description = "regress a weighted mean of a random sequence (the toy modality)")
public final class ToyCommand implements LauncherCommand {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
  private static final String NAME = "train-toy";

  @Option(names = "--length", paramLabel = "L", defaultValue = "16") int length;

  @Option(names = "--d-model", paramLabel = "D", defaultValue = "8") int dModel;

  @Option(names = "--layers", paramLabel = "N", defaultValue = "1") int layers;

  @Mixin VariantOptions variantOptions;

  @Mixin ScanOption scanOption;

  @Mixin TrainingOptions training;

  @Spec CommandSpec spec;

  private final Variants variants;

  @Inject
  public ToyCommand(Variants variants) {
    this.variants = variants;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    training.check(spec);
    JsonObject settled = Precedence.settle(spec, training.resumedConfig(NAME),
        training.config(NAME), () -> GSON.toJsonTree(fresh()).getAsJsonObject(), settings());
    ToyConfig c;
    try {
      c = GSON.fromJson(settled, ToyConfig.class);
      variants.check(c.variants());
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), RunConfig.reason(e));
    }
    Path dir = training.runDirs().runDirOrNew("toy");
    try (Stop.Training stop = Stop.training(); NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed((int) c.train().seed());
      ToyModel model = new ToyModel(c, variants, variants.scan(c.scan()));
      model.initialize(manager, DataType.FLOAT32, model.inputShape(c.train().batchSize()));
      ToyTask task = new ToyTask(model, c.train(), ToyData.of(256, c.length(), 1),
          ToyData.of(64, c.length(), 2));
      try (Trainer trainer = new Trainer(task, c.train(), manager, out)
          .saveInterval(training.saveInterval())) {
        Trainer.Summary s = trainer.fit(dir, training.resume(),
            GSON.toJson(RunConfig.withProvenance(settled, LauncherCommand.commandLine(spec))));
        out.printf(Locale.ROOT, "best validation MSE %.4f at epoch %d; run directory: %s%n",
            s.bestScore(), s.bestEpoch(), dir.toAbsolutePath());
      }
    }
    return 0;
  }

  private ToyConfig fresh() {
    int epochs = training.epochs(3);
    return new ToyConfig(length, dModel, layers, variantOptions.over(MixerChoice.DEFAULT),
        new ClassifierConfig(epochs,
        training.batchSize(32), 64, training.lr(3e-3f), 1e-5f, 0,
        training.weightDecay(0.01f), 0, training.seed(), training.maxBatches(0),
        training.recompute(false), null), scanOption.name());
  }

  private List<Setting> settings() {
    List<Setting> s = new ArrayList<>(training.settings());
    s.addAll(List.of(Setting.of("--length", "length", length),
        Setting.of("--d-model", "dModel", dModel), Setting.of("--layers", "layers", layers),
        scanOption.setting()));
    s.addAll(variantOptions.settings("variants"));
    return s;
  }
}
