package org.mambamixer.timeseries.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.mambamixer.api.util.Tensors;
import org.mambamixer.timeseries.data.Scaler;

/**
 * DJL's bridge between raw series and TSM2: a history {@code (T, M)} on the data's own scale
 * goes in, is z-scored with the run's train-split scaler, and the forecast {@code (H, M)} comes
 * back on the same raw scale. {@link Batchifier#STACK} makes {@code batchPredict} one forward of
 * {@code (B, T, M)}.
 */
public final class ForecastTranslator implements Translator<float[][], float[][]> {
  private final Scaler scaler;
  private final int lookback;

  public ForecastTranslator(Scaler scaler, int lookback) {
    this.scaler = scaler;
    this.lookback = lookback;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, float[][] history) {
    if (history.length != lookback || history[0].length != scaler.variates()) {
      throw new IllegalArgumentException("a history must be (T, M) = (" + lookback + ", "
          + scaler.variates() + ") but is (" + history.length + ", "
          + (history.length == 0 ? 0 : history[0].length) + ")");
    }
    NDArray x = ctx.getNDManager().create(scaler.transform(history)); // (T, M)
    Tensors.requireFinite("history", x);
    return new NDList(x);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList list) {
    NDArray y = scaler.inverse(list.singletonOrThrow()); // (H, M)
    long h = y.getShape().get(0);
    int m = (int) y.getShape().get(1);
    float[] flat = y.toFloatArray();
    float[][] out = new float[(int) h][m];
    for (int i = 0; i < h; i++) {
      System.arraycopy(flat, i * m, out[i], 0, m);
    }
    return out;
  }

  @Override
  public Batchifier getBatchifier() {
    return Batchifier.STACK;
  }
}
