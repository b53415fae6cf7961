package org.mambamixer.runtime.zoo;

import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;
import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.mambamixer.runtime.cli.Modules;

/**
 * The published models as a DJL model zoo, registered through {@code
 * META-INF/services/ai.djl.repository.zoo.ZooProvider}: {@code Criteria.builder().setTypes(...)
 * .optModelName("tsm2-etth1-96").build().loadModel()} finds a model by name with no other setup.
 * The zoo is its own provider: DJL instantiates providers once, when it first lists zoos, and
 * this one holds nothing until asked.
 */
public final class PublishedZoo extends ModelZoo implements ZooProvider {
  /** The group id of every published model. */
  public static final String GROUP_ID = "org.mambamixer";

  // The tasks come from the same Guice modules the launcher installs; built on first load only,
  // since DJL lists every zoo on the class path whatever a caller looks for.
  private Map<String, ZooTask> tasks;

  @Override
  public ModelZoo getModelZoo() {
    return this;
  }

  @Override
  public String getGroupId() {
    return GROUP_ID;
  }

  @Override
  public Set<String> getSupportedEngines() {
    return Set.of("PyTorch");
  }

  /** A loader per published name, read from the class path at each call. */
  @Override
  public Collection<ModelLoader> getModelLoaders() {
    PublishedModels models = PublishedModels.onClassPath();
    return models.names().stream()
        .<ModelLoader>map(name -> new PublishedModelLoader(name, models, this::task)).toList();
  }

  @Override
  public ModelLoader getModelLoader(String name) {
    return getModelLoaders().stream().filter(l -> l.getArtifactId().equals(name)).findFirst()
        .orElse(null);
  }

  private synchronized ZooTask task(String name) {
    if (tasks == null) {
      tasks = Guice.createInjector(Modules.discovered())
          .getInstance(Key.get(new TypeLiteral<Map<String, ZooTask>>() {}));
    }
    return tasks.get(name);
  }
}
