package org.mambamixer.timeseries.model;

import static org.mambamixer.api.util.Tensors.requirePositive;

import org.mambamixer.api.block.BackboneConfig;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * TSM2's shape (spec §6, D4, D10).
 *
 * @param lookback input length T
 * @param horizon forecast length H
 * @param variates M, the number of series
 * @param patchLen patch length (per variate)
 * @param stride patch stride
 * @param padEnd pad the end with S copies of the last value before patching (PatchTST), so one
 *     more patch covers the (T - P) mod S most recent steps that would otherwise be dropped; a
 *     config.json written before this option existed reads as false, the model it was trained as
 * @param dModel patch embedding width D
 * @param layers MambaMixer layers
 * @param expand E of the selective SSMs
 * @param dState N of the selective SSMs
 * @param dConv conv width of the selective SSMs
 * @param dropout dropout after the patch embedding and before the head
 * @param revin reversible instance normalisation on (D10; off is an ablation)
 * @param variants the token (time) mixer, channel (variate) mixer, skip and norm by registered
 *     name; the default's time mixer is causal (D4), {@code selective-bidirectional} is Fig. 3's
 * @param exogenous sizes of the auxiliary inputs; {@link Exogenous#NONE} when absent
 */
public record Tsm2Config(
    int lookback, int horizon, int variates, int patchLen, int stride, boolean padEnd, int dModel,
    int layers, int expand, int dState, int dConv, float dropout, boolean revin,
    MixerChoice variants, Exogenous exogenous) {

  /**
   * Auxiliary inputs (spec §6): static features S (M, staticFeatures) and future covariates
   * Z (M, futureSteps, futureFeatures). Zero sizes switch a part off.
   */
  public record Exogenous(int staticFeatures, int futureSteps, int futureFeatures) {
    public static final Exogenous NONE = new Exogenous(0, 0, 0);

    public Exogenous {
      if (staticFeatures < 0 || futureSteps < 0 || futureFeatures < 0) {
        throw new IllegalArgumentException("exogenous sizes must be >= 0");
      }
      if ((futureSteps == 0) != (futureFeatures == 0)) {
        throw new IllegalArgumentException(
            "futureSteps and futureFeatures must both be 0 or both positive");
      }
    }

    public boolean hasStatic() {
      return staticFeatures > 0;
    }

    public boolean hasFuture() {
      return futureSteps > 0;
    }
  }

  public Tsm2Config {
    requirePositive("lookback", lookback);
    requirePositive("horizon", horizon);
    requirePositive("variates", variates);
    requirePositive("patchLen", patchLen);
    requirePositive("stride", stride);
    requirePositive("dModel", dModel);
    requirePositive("layers", layers);
    requirePositive("expand", expand);
    requirePositive("dState", dState);
    if (dConv < 0) {
      throw new IllegalArgumentException("dConv must be >= 0, got " + dConv);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
    }
    if (exogenous == null) {
      throw new IllegalArgumentException("exogenous is required (use Exogenous.NONE)");
    }
    if (variants == null) {
      throw new IllegalArgumentException("variants is required (use MixerChoice.DEFAULT)");
    }
    if (patchLen > inputLength(lookback, exogenous)) {
      throw new IllegalArgumentException("patchLen " + patchLen + " exceeds the input length "
          + inputLength(lookback, exogenous));
    }
  }

  /** The defaults shared by the presets: patch 16 / stride 8, end padded, E = 2, N = 16, conv 4. */
  public static Tsm2Config of(int lookback, int horizon, int variates, int dModel, int layers,
      float dropout) {
    return new Tsm2Config(lookback, horizon, variates, 16, 8, true, dModel, layers, 2, 16, 4,
        dropout, true, MixerChoice.DEFAULT, Exogenous.NONE);
  }

  /** ETTh1: 7 variates, hourly. */
  public static Tsm2Config etth1(int lookback) {
    return of(lookback, 96, 7, 32, 2, 0.2f);
  }

  /** ETTh2: 7 variates, hourly. */
  public static Tsm2Config etth2(int lookback) {
    return of(lookback, 96, 7, 32, 2, 0.2f);
  }

  /** ETTm1: 7 variates, 15-minute. */
  public static Tsm2Config ettm1(int lookback) {
    return of(lookback, 96, 7, 32, 2, 0.1f);
  }

  /** ETTm2: 7 variates, 15-minute. */
  public static Tsm2Config ettm2(int lookback) {
    return of(lookback, 96, 7, 32, 2, 0.1f);
  }

  /** weather: 21 variates, 10-minute. */
  public static Tsm2Config weather(int lookback) {
    return of(lookback, 96, 21, 32, 2, 0.1f);
  }

  /** Whether {@link #preset} knows {@code dataset} by name (else it gives the generic config). */
  public static boolean hasPreset(String dataset) {
    return java.util.Set.of("etth1", "etth2", "ettm1", "ettm2", "weather")
        .contains(dataset.toLowerCase(java.util.Locale.ROOT));
  }

  /** The preset for a dataset name (case-insensitive), or a generic one for other files. */
  public static Tsm2Config preset(String dataset, int lookback, int variates) {
    Tsm2Config c = switch (dataset.toLowerCase(java.util.Locale.ROOT)) {
      case "etth1" -> etth1(lookback);
      case "etth2" -> etth2(lookback);
      case "ettm1" -> ettm1(lookback);
      case "ettm2" -> ettm2(lookback);
      case "weather" -> weather(lookback);
      default -> of(lookback, 96, variates, 32, 2, 0.1f);
    };
    if (c.variates() != variates) {
      throw new IllegalArgumentException("dataset " + dataset + " has " + variates
          + " variates but its preset expects " + c.variates());
    }
    return c;
  }

  private static int inputLength(int lookback, Exogenous ex) {
    return lookback * (1 + (ex.hasFuture() ? 1 : 0) + (ex.hasStatic() ? 1 : 0));
  }

  /** Length of the sequence that is patched: the lookback, plus T per auxiliary input. */
  public int inputLength() {
    return inputLength(lookback, exogenous);
  }

  /** Number of patches per variate: floor((T' - P) / S) + 1, plus 1 when the end is padded. */
  public int patches() {
    return PatchEmbedding.count(inputLength(), patchLen, stride, padEnd);
  }

  /** The backbone over (B, M, patches, D): time mixer on axis 2, variate mixer on axis 1. */
  public BackboneConfig backbone() {
    S6Config ssm = new S6Config(dModel, expand, dState, dConv, (dModel + 15) / 16, 1e-3f, 1e-1f,
        1e-4f);
    return new BackboneConfig(layers, new MixerSpec(ssm, 2, 1), variants, true);
  }

  public Tsm2Config withLookback(int t) {
    return new Tsm2Config(t, horizon, variates, patchLen, stride, padEnd, dModel, layers, expand,
        dState, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withHorizon(int h) {
    return new Tsm2Config(lookback, h, variates, patchLen, stride, padEnd, dModel, layers, expand,
        dState, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withModel(int d, int l) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, d, l, expand,
        dState, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withPatch(int len, int s) {
    return new Tsm2Config(lookback, horizon, variates, len, s, padEnd, dModel, layers, expand,
        dState, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withPadEnd(boolean on) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, on, dModel, layers, expand,
        dState, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withDState(int n) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, dModel, layers,
        expand, n, dConv, dropout, revin, variants, exogenous);
  }

  public Tsm2Config withDropout(float p) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, dModel, layers,
        expand, dState, dConv, p, revin, variants, exogenous);
  }

  public Tsm2Config withRevin(boolean on) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, dModel, layers,
        expand, dState, dConv, dropout, on, variants, exogenous);
  }

  public Tsm2Config withVariants(MixerChoice choice) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, dModel, layers,
        expand, dState, dConv, dropout, revin, choice, exogenous);
  }

  public Tsm2Config withExogenous(Exogenous ex) {
    return new Tsm2Config(lookback, horizon, variates, patchLen, stride, padEnd, dModel, layers,
        expand, dState, dConv, dropout, revin, variants, ex);
  }
}
