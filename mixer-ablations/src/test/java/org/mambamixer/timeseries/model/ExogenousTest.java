package org.mambamixer.timeseries.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.mambamixer.ablations.Assembled;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.scan.SelectiveScan;
import org.mambamixer.api.scan.Backprop;
import org.mambamixer.runtime.train.AdamW;

/**
 * The exogenous path on synthetic covariates: when the future is a known covariate (plus a
 * per-variate static offset), TSM2 with the auxiliary inputs learns it, TSM2 without cannot.
 */
class ExogenousTest {
  private static final int T = 16;
  private static final int H = 4;
  private static final int M = 2;

  @Test
  void futureCovariatesAndStaticFeaturesAreUsed() {
    Tsm2Config base = new Tsm2Config(T, H, M, 4, 4, true, 8, 1, 2, 4, 2, 0f, false,
        MixerChoice.DEFAULT,
        Tsm2Config.Exogenous.NONE);
    double without = train(base);
    double with = train(base.withExogenous(new Tsm2Config.Exogenous(1, H, 1)));
    assertThat(with).as("MSE with covariates %s vs without %s", with, without)
        .isLessThan(0.3 * without);
  }

  /** Trains on fresh random batches; returns the MSE on a held-out batch. */
  private static double train(Tsm2Config c) {
    Variants variants = Assembled.variants();
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      Tsm2 model = new Tsm2(c, variants, variants.scan("cpu"));
      model.initialize(m, DataType.FLOAT32, model.inputShapes(32));
      AdamW opt = new AdamW(model.getParameters(), 0f);
      ParameterStore ps = new ParameterStore(m, false);
      for (int step = 0; step < 100; step++) {
        NDList batch = batch(m, c);
        try (GradientCollector gc = m.getEngine().newGradientCollector()) {
          NDArray pred = model.forward(ps, inputs(batch, c), true).singletonOrThrow();
          Backprop.backward(pred.sub(batch.get(3)).square().mean());
        }
        opt.step(1e-2f);
      }
      NDList test = batch(m, c);
      NDArray pred = model.forward(ps, inputs(test, c), false).singletonOrThrow();
      return pred.sub(test.get(3)).square().mean().getFloat();
    }
  }

  /** x noise (B, T, M); Z (B, M, H, 1); S (B, M, 1); y = Z + S (B, H, M). */
  private static NDList batch(NDManager m, Tsm2Config c) {
    NDArray x = m.randomNormal(new Shape(32, T, M));
    NDArray z = m.randomNormal(new Shape(32, M, H, 1));
    NDArray s = m.randomNormal(new Shape(32, M, 1));
    NDArray y = z.squeeze(3).add(s).transpose(0, 2, 1);
    return new NDList(x, z, s, y);
  }

  private static NDList inputs(NDList batch, Tsm2Config c) {
    return c.exogenous().hasFuture()
        ? new NDList(batch.get(0), batch.get(1), batch.get(2)) : new NDList(batch.get(0));
  }
}
