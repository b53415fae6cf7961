package org.mambamixer.runtime.zoo;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.util.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * DJL's loader of one published model. DJL asks every loader of every zoo in turn when a criteria
 * names no artifact, so a criteria naming another model (or types another task takes) is turned
 * down with {@link ModelNotFoundException}, which makes DJL go on to the next.
 */
final class PublishedModelLoader implements ModelLoader {
  private final String name;
  private final PublishedModels models;
  private final Function<String, ZooTask> tasks;

  PublishedModelLoader(String name, PublishedModels models, Function<String, ZooTask> tasks) {
    this.name = name;
    this.models = models;
    this.tasks = tasks;
  }

  @Override
  public String getGroupId() {
    return PublishedZoo.GROUP_ID;
  }

  @Override
  public String getArtifactId() {
    return name;
  }

  @Override
  public Application getApplication() {
    try {
      ZooTask task = tasks.apply(models.manifest(name).task());
      return task != null ? task.application() : Application.UNDEFINED;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public MRL getMrl() {
    return MRL.model(Repository.newInstance(PublishedModels.ROOT, PublishedModels.ROOT + "/"
        + name), getApplication(), getGroupId(), name, "published", name);
  }

  @Override
  public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
      throws IOException, ModelNotFoundException, MalformedModelException {
    if (criteria.getModelName() != null && !criteria.getModelName().equals(name)) {
      throw new ModelNotFoundException("published model " + name + " is not "
          + criteria.getModelName());
    }
    ZooManifest manifest = models.manifest(name);
    ZooTask task = tasks.apply(manifest.task());
    if (task == null) {
      throw new ModelNotFoundException("published model " + name + " is of task "
          + manifest.task() + ", which no module on the class path registers");
    }
    return task.load(models.folder(name), criteria);
  }

  /** Published models ship inside the jars: nothing to download. */
  @Override
  public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
    return true;
  }

  @Override
  public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
    // Nothing to fetch: the files are on the class path.
  }
}
