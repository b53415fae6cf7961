package org.mambamixer.timeseries.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.inject.Guice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.inject.MixerModule;
import org.mambamixer.api.scan.ReferenceScan;

/** End padding: every observation, the most recent included, reaches a patch. */
class PatchingTest {
  private static final Variants BACKBONES =
      Guice.createInjector(new MixerModule()).getInstance(Variants.class);

  @ParameterizedTest(name = "T={0} P={1} S={2}")
  @CsvSource({"36, 16, 8, 3, 4", "100, 16, 8, 11, 12", "96, 16, 8, 11, 12", "512, 16, 8, 63, 64",
      "32, 8, 4, 7, 8"})
  void patchCountFollowsPatchTst(int t, int p, int s, int unpadded, int padded) {
    // PatchTST: floor((T - P) / S) + 1 patches, one more when the end is padded by S.
    assertThat(PatchEmbedding.count(t, p, s, false)).isEqualTo(unpadded);
    assertThat(PatchEmbedding.count(t, p, s, true)).isEqualTo(padded);
    assertThat(Tsm2Config.of(t, 8, 1, 8, 1, 0f).withPatch(p, s).patches()).as("the config pads")
        .isEqualTo(padded);
  }

  @Test
  void theOptionIsRecordedAndOlderConfigsReadAsUnpadded() {
    Gson gson = new Gson();
    Tsm2Config c = Tsm2Config.etth1(96);
    JsonObject json = gson.toJsonTree(c).getAsJsonObject();
    assertThat(json.get("padEnd").getAsBoolean()).isTrue();
    assertThat(gson.fromJson(json, Tsm2Config.class)).isEqualTo(c);
    // config.json of runs trained before the option: no padEnd, and those models were unpadded.
    json.remove("padEnd");
    assertThat(gson.fromJson(json, Tsm2Config.class)).isEqualTo(c.withPadEnd(false));
  }

  @ParameterizedTest(name = "T={0}")
  @ValueSource(ints = {36, 100})
  void theLastPatchEndsWithTheLastObservationRepeated(int t) {
    int p = 16;
    int s = 8;
    try (NDManager m = NDManager.newBaseManager()) {
      PatchEmbedding embed = new PatchEmbedding(t, p, s, true, p);
      embed.initialize(m, DataType.FLOAT32, new Shape(1, t, 1));
      for (Pair<String, Parameter> w : embed.getParameters()) { // embedding = identity
        NDArray a = w.getValue().getArray();
        a.set(w.getKey().endsWith("weight") ? m.eye(p).toFloatArray() : new float[p]);
      }
      NDArray x = m.arange(0f, t).reshape(1, t, 1); // x_i = i
      NDArray patches = embed.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow(); // (1, 1, Np, P)
      int np = PatchEmbedding.count(t, p, s, true);
      float[] last = patches.get(new NDIndex("0, 0, {}", np - 1)).toFloatArray();
      float[] expected = new float[p];
      int start = (np - 1) * s;
      for (int k = 0; k < p; k++) {
        expected[k] = Math.min(start + k, t - 1);
      }
      assertThat(last).containsExactly(expected);
      assertThat(patches.get(new NDIndex("0, 0, 0")).toFloatArray()[p - 1]).isEqualTo(p - 1);
    }
  }

  @ParameterizedTest(name = "T={0}")
  @ValueSource(ints = {36, 100})
  void eachStepsGradientCountsThePatchValuesThatReadIt(int t) {
    int p = 16;
    int s = 8;
    try (NDManager m = NDManager.newBaseManager()) {
      PatchEmbedding embed = new PatchEmbedding(t, p, s, true, p);
      embed.initialize(m, DataType.FLOAT32, new Shape(1, t, 1));
      for (Pair<String, Parameter> w : embed.getParameters()) { // embedding = identity
        NDArray a = w.getValue().getArray();
        a.set(w.getKey().endsWith("weight") ? m.eye(p).toFloatArray() : new float[p]);
      }
      NDArray x = m.arange(0f, t).reshape(1, t, 1);
      x.setRequiresGradient(true);
      try (GradientCollector gc = m.getEngine().newGradientCollector()) {
        gc.backward(embed.forward(new ParameterStore(m, false), new NDList(x), true)
            .singletonOrThrow().sum());
      }
      float[] expected = new float[t];
      for (int j = 0; j < PatchEmbedding.count(t, p, s, true); j++) {
        for (int k = 0; k < p; k++) {
          expected[Math.min(j * s + k, t - 1)] += 1;
        }
      }
      assertThat(x.getGradient().toFloatArray()).containsExactly(expected);
    }
  }

  @ParameterizedTest(name = "T={0}")
  @ValueSource(ints = {36, 100})
  void changingOnlyTheLastObservedStepChangesTheForecast(int t) {
    // RevIN off: its statistics see every step, which would hide a step no patch sees.
    Tsm2Config padded = Tsm2Config.of(t, 8, 2, 8, 1, 0f).withRevin(false);
    assertThat(forecastChange(padded)).as("padded, T=%s", t).isGreaterThan(1e-4);
    // Without padding the (T - 16) mod 8 = 4 most recent steps fall in no patch.
    assertThat(forecastChange(padded.withPadEnd(false))).as("unpadded, T=%s", t).isZero();
  }

  /** Largest change of the forecast when only x[:, T-1, :] changes. */
  private static double forecastChange(Tsm2Config c) {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      Tsm2 model = new Tsm2(c, BACKBONES, new ReferenceScan());
      model.initialize(m, DataType.FLOAT32, model.inputShapes(2));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray x = m.randomNormal(new Shape(2, c.lookback(), c.variates()));
      NDArray y = model.forward(ps, new NDList(x), false).singletonOrThrow();
      NDArray x2 = x.duplicate();
      x2.set(new NDIndex(":, {}, :", c.lookback() - 1), x.get(":, -1, :").add(3f));
      NDArray y2 = model.forward(ps, new NDList(x2), false).singletonOrThrow();
      return y2.sub(y).abs().max().getFloat();
    }
  }
}
