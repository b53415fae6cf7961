package org.mambamixer.vision.model;

import java.util.ArrayList;
import java.util.List;
import org.mambamixer.api.ssm.S6Config;

/**
 * Parameter counts of a ViM2 config computed from its sizes alone, so the 224 presets can be
 * counted without allocating them; the tests check these formulas against DJL's count of an
 * initialised model.
 */
public final class Vim2Summary {
  private Vim2Summary() {}

  /** LayerNorm over C: gamma and beta. */
  static long layerNorm(long c) {
    return 2 * c;
  }

  /** Stem: p x p conv Cin -> C1 with bias, then LayerNorm. */
  public static long stem(Vim2Config c) {
    long w = c.widths().get(0);
    return (long) c.inChannels() * c.patch() * c.patch() * w + w + layerNorm(w);
  }

  /** One route's S6 without conv: x_proj, dt_proj weight and bias, A_log, D. */
  static long s6(S6Config s) {
    long e = s.dInner();
    long conv = s.dConv() > 0 ? e * s.dConv() + e : 0;
    return conv + e * (s.dtRank() + 2L * s.dState()) + e * s.dtRank() + e + e * s.dState() + e;
  }

  /** A cross-scan token mixer at width C: in_proj, shared 3x3 conv, routes, out_proj. */
  public static long tokenMixer(Vim2Config c, int width) {
    S6Config s = c.tokenSsm(width);
    long e = s.dInner();
    return width * 2 * e + (e * 9 + e) + c.routes().size() * s6(s) + e * width;
  }

  /** A lifted channel mixer at width C: lift, bidirectional selective mixer over f, projection. */
  public static long channelMixer(Vim2Config c, int width) {
    S6Config s = c.channelSsm();
    long f = s.dModel();
    long e = s.dInner();
    long mixer = f * 2 * e + 2 * s6(s) + e * f;
    return 2 * width * f + mixer + width * f + width;
  }

  /** Stage s: its token and channel sublayers (each with a LayerNorm) and its averaging scalars. */
  public static long stage(Vim2Config c, int s) {
    int w = c.widths().get(s);
    long layers = c.channelDepths().get(s);
    return c.depths().get(s) * (tokenMixer(c, w) + layerNorm(w))
        + layers * (channelMixer(c, w) + layerNorm(w)) + layers * (2 * layers + 3);
  }

  /** Patch merging into stage s (s >= 1): LayerNorm(4C) and Linear 4C -> C'. */
  public static long merge(Vim2Config c, int s) {
    long in = c.widths().get(s - 1);
    return layerNorm(4 * in) + 4 * in * c.widths().get(s);
  }

  /** Final LayerNorm and the linear classifier. */
  public static long head(Vim2Config c) {
    long w = c.widths().get(c.stages() - 1);
    return layerNorm(w) + w * c.classes() + c.classes();
  }

  public static long total(Vim2Config c) {
    long n = stem(c) + head(c);
    for (int s = 0; s < c.stages(); s++) {
      n += stage(c, s) + (s > 0 ? merge(c, s) : 0);
    }
    return n;
  }

  /**
   * Per-stage shapes and parameter counts at the config's resolution, one row per line, ending
   * with {@code total parameters: N}.
   */
  public static List<String> rows(Vim2Config c) {
    List<String> rows = new ArrayList<>();
    int side = c.imageSize();
    rows.add(String.format("%s: input (%d, %d, %d), %d classes, total stride %d", c.name(),
        c.inChannels(), side, side, c.classes(), c.totalStride()));
    rows.add(String.format("%-8s %-18s %-26s %12s", "block", "output (H, W, C)", "mixers",
        "parameters"));
    rows.add(row("stem", c.grid(0, side), c.widths().get(0), "patch " + c.patch() + "x"
        + c.patch(), stem(c)));
    for (int s = 0; s < c.stages(); s++) {
      int g = c.grid(s, side);
      int w = c.widths().get(s);
      if (s > 0) {
        rows.add(row("merge " + s, g, w, "2x2 patch merging", merge(c, s)));
      }
      rows.add(row("stage " + (s + 1), g, w, c.depths().get(s) + " token + "
          + c.channelDepths().get(s) + " channel", stage(c, s)));
    }
    rows.add(String.format("%-8s %-18s %-26s %,12d", "head", "(" + c.classes() + ")",
        "LayerNorm, pool, Linear", head(c)));
    rows.add("total parameters: " + total(c));
    return rows;
  }

  private static String row(String name, int side, int width, String mixers, long params) {
    return String.format("%-8s %-18s %-26s %,12d", name,
        "(" + side + ", " + side + ", " + width + ")", mixers, params);
  }
}
