package org.mambamixer.runtime.zoo;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.mambamixer.api.inject.Variants;

/**
 * What the modality that owns a kind of published model ({@link ZooManifest#task}) does with one:
 * measure its documented metric and load it as a DJL model. Registered by task name, so the zoo
 * code here never imports a modality.
 */
public interface ZooTask {

  /** The registry: one {@link MapBinder} entry per task name. */
  static MapBinder<String, ZooTask> registry(Binder binder) {
    return MapBinder.newMapBinder(binder, String.class, ZooTask.class);
  }

  /**
   * The scan a model loaded for {@code criteria} runs on: its argument {@code scan} when given,
   * else the launcher's {@code auto} where the kernels are on the class path (mixer-cuda), else
   * the reference scan, which every class path has.
   */
  static String scan(Criteria<?, ?> criteria, Variants variants) {
    // DJL leaves the arguments null when none was given.
    Object scan = criteria.getArguments() == null ? null : criteria.getArguments().get("scan");
    if (scan != null) {
      return scan.toString();
    }
    return variants.catalogue().get("scan").containsKey("auto") ? "auto" : "reference";
  }

  /** The metric a manifest of this task documents, on the test split (e.g. mse, top1). */
  String metric();

  /**
   * The files of a run directory besides {@code checkpoint/best} that a published model of this
   * task keeps: its config.json and, where the task has one, the scaler.
   */
  List<String> runFiles();

  /**
   * Writes into {@code folder}, a model being published (its {@link #runFiles} and weights
   * already there), what loading it needs that its run directory does not store; hashed into
   * the manifest with the rest. Nothing by default: a forecast run stores its scaler.
   *
   * @param dataDir the data directory flag (null: the task's usual lookup)
   */
  default void addFiles(Path folder, String dataDir) throws IOException {}

  /** DJL's name for what the models of this task do. */
  Application application();

  /**
   * The metric of the published model in {@code folder} on the first {@code slice} items of its
   * test split, or the whole split when {@code slice} is 0.
   *
   * @param dataDir the data directory flag (null: the task's usual lookup)
   * @param scan the scan backend's registered name
   * @param log where progress goes
   */
  double measure(Path folder, ZooManifest manifest, int slice, String dataDir, String scan,
      PrintWriter log) throws IOException;

  /**
   * The published model in {@code folder} as a DJL {@link ZooModel} whose predictor takes raw
   * inputs.
   *
   * @throws ModelNotFoundException when the criteria's input and output types are not this
   *     task's
   */
  <I, O> ZooModel<I, O> load(Path folder, Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException;
}
