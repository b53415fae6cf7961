package org.mambamixer.sequence.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.inject.Guice;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.sequence.cli.SequenceModule;

/** Tiny classifiers on the reference scan, for tests. */
public final class TestModels {
  private TestModels() {}

  /** mixer-api's variants and this module's, as the launcher would see them. */
  public static Variants variants() {
    return Guice.createInjector(new MixerModule(), new SequenceModule())
        .getInstance(Variants.class);
  }

  /** D = 8, N = 4, E = 2, conv 4, 2 layers, 10 classes. */
  public static SequenceConfig tiny(int length, int perToken) {
    return SequenceConfig.small(length, perToken, 10).withModel(8, 2, 4);
  }

  /** {@code config} built and initialised (seeded) for batches of {@code batch}. */
  public static SequenceClassifier build(SequenceConfig config, NDManager manager, int batch) {
    manager.getEngine().setRandomSeed(7);
    SequenceClassifier model = new SequenceClassifier(config, variants(), new ReferenceScan());
    model.initialize(manager, DataType.FLOAT32, model.inputShape(batch));
    return model;
  }
}
