package org.mambamixer.vision.model;

import static org.mambamixer.api.util.Tensors.requirePositive;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mambamixer.api.block.MixerChoice;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.ssm.S6Config;

/**
 * The shape of a ViM2 model (spec §5, D5, D7, D12).
 *
 * <pre>
 *   image (B, inChannels, imageSize, imageSize)
 *   stem: patch x patch conv, stride patch -> (B, H/p, W/p, widths[0]) + LayerNorm
 *   stage s: channelDepths[s] MambaMixer layers, each = depths[s]/channelDepths[s] cross-scan
 *            token sublayers then one channel sublayer, weighted averaging within the stage
 *   between stages: patch merging (2x2 -> LayerNorm(4C) -> Linear 4C -> C')
 *   head: LayerNorm -> global average pool -> Linear(classes)
 * </pre>
 *
 * @param name the preset name (for summaries and run directories)
 * @param imageSize the training resolution; other resolutions divisible by {@link #totalStride()}
 *     work too
 * @param inChannels 1 (grey) or 3 (RGB)
 * @param classes outputs of the classification head
 * @param patch side of the stem's patches
 * @param widths channel width C of each stage (1 to 4 stages)
 * @param depths cross-scan token mixers per stage (Table 8: 2/2/6/2 for Tiny)
 * @param channelDepths channel mixers per stage (Table 8: 1/1/3/1 for Tiny); each divides its
 *     depth, and every channel mixer follows depths/channelDepths token mixers
 * @param expand E of the token mixer (d_inner = E C)
 * @param dState N of the token mixer's S6 (the unprinted "16" of Table 8)
 * @param routes the token mixer's cross-scan routes (D5: all four)
 * @param channelFeature f: each channel value is lifted to f features for the channel mixer (D7)
 * @param channelState N of the channel mixer's S6
 */
public record Vim2Config(
    String name, int imageSize, int inChannels, int classes, int patch, List<Integer> widths,
    List<Integer> depths, List<Integer> channelDepths, int expand, int dState,
    List<CrossScanRoute> routes, int channelFeature, int channelState) {

  public Vim2Config {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    requirePositive("imageSize", imageSize);
    requirePositive("inChannels", inChannels);
    requirePositive("classes", classes);
    requirePositive("patch", patch);
    requirePositive("expand", expand);
    requirePositive("dState", dState);
    requirePositive("channelFeature", channelFeature);
    requirePositive("channelState", channelState);
    widths = List.copyOf(widths);
    depths = List.copyOf(depths);
    channelDepths = List.copyOf(channelDepths);
    routes = List.copyOf(routes);
    int stages = widths.size();
    if (stages < 1 || stages > 4) {
      throw new IllegalArgumentException("ViM2 has 1 to 4 stages, got widths " + widths);
    }
    if (depths.size() != stages || channelDepths.size() != stages) {
      throw new IllegalArgumentException("widths " + widths + ", depths " + depths
          + " and channelDepths " + channelDepths + " must have one entry per stage");
    }
    for (int s = 0; s < stages; s++) {
      requirePositive("widths[" + s + "]", widths.get(s));
      requirePositive("depths[" + s + "]", depths.get(s));
      requirePositive("channelDepths[" + s + "]", channelDepths.get(s));
      if (depths.get(s) % channelDepths.get(s) != 0) {
        throw new IllegalArgumentException("stage " + (s + 1) + ": channelDepths " + channelDepths
            .get(s) + " must divide depths " + depths.get(s)
            + " (each channel mixer follows the same number of token mixers)");
      }
    }
    if (routes.isEmpty() || routes.size() != routes.stream().distinct().count()) {
      throw new IllegalArgumentException("routes must be distinct and non-empty, got " + routes);
    }
    if (imageSize % (patch << (stages - 1)) != 0) {
      throw new IllegalArgumentException("imageSize " + imageSize
          + " must be divisible by the total stride patch * 2^(stages-1) = "
          + (patch << (stages - 1)));
    }
  }

  /**
   * The registered variants a ViM2 is built from by default: the cross-scan token mixer (D5), the
   * lifted channel mixer (D7), learned weighted averaging (D8) and LayerNorm (D9).
   */
  public static final MixerChoice VARIANTS = new MixerChoice("cross-scan", "lifted", "learned",
      "layer");

  /** Table 8 / D12 at 224 x 224, 1000 classes. */
  public static final Vim2Config TINY = imagenet("vim2-tiny", List.of(96, 192, 384, 768),
      List.of(2, 2, 6, 2), List.of(1, 1, 3, 1));
  public static final Vim2Config SMALL = imagenet("vim2-small", List.of(96, 192, 384, 768),
      List.of(2, 2, 18, 2), List.of(1, 1, 9, 1));
  public static final Vim2Config BASE = imagenet("vim2-base", List.of(128, 256, 512, 1024),
      List.of(2, 2, 18, 2), List.of(1, 1, 9, 1));

  /**
   * 28 x 28 grey images, 10 classes (MNIST, Fashion-MNIST). 28 = 4 * 7 halves only twice, so this
   * preset has two stages (14 x 14 and 7 x 7 tokens) after a 2 x 2 stem.
   */
  public static final Vim2Config TINY_28 = new Vim2Config("vim2-tiny-28", 28, 1, 10, 2,
      List.of(32, 64), List.of(2, 4), List.of(1, 2), 2, 16, CrossScanRoute.ALL, 4, 16);

  /** 32 x 32 RGB images, 10 classes (CIFAR-10): four stages of 16, 8, 4 and 2 tokens a side. */
  public static final Vim2Config TINY_32 = new Vim2Config("vim2-tiny-32", 32, 3, 10, 2,
      List.of(32, 64, 128, 256), List.of(2, 2, 4, 2), List.of(1, 1, 2, 1), 2, 16,
      CrossScanRoute.ALL, 4, 16);

  private static final Map<String, Vim2Config> PRESETS = new TreeMap<>(Map.of(
      TINY.name, TINY, SMALL.name, SMALL, BASE.name, BASE, TINY_28.name, TINY_28,
      TINY_32.name, TINY_32));

  private static Vim2Config imagenet(
      String name, List<Integer> widths, List<Integer> depths, List<Integer> channelDepths) {
    return new Vim2Config(name, 224, 3, 1000, 4, widths, depths, channelDepths, 2, 16,
        CrossScanRoute.ALL, 4, 16);
  }

  /** The preset called {@code name}; the message lists the known names. */
  public static Vim2Config preset(String name) {
    Vim2Config c = PRESETS.get(name);
    if (c == null) {
      throw new IllegalArgumentException("unknown ViM2 preset '" + name + "'; known: "
          + String.join(", ", PRESETS.keySet()));
    }
    return c;
  }

  public static List<String> presetNames() {
    return List.copyOf(PRESETS.keySet());
  }

  public int stages() {
    return widths.size();
  }

  /** Side of the input covered by one token of the last stage. */
  public int totalStride() {
    return patch << (stages() - 1);
  }

  /** Side of stage {@code s}'s token grid for an input of side {@code side}. */
  public int grid(int s, int side) {
    return side / (patch << s);
  }

  /** Token mixers before each channel mixer in stage {@code s}. */
  public int tokensPerLayer(int s) {
    return depths.get(s) / channelDepths.get(s);
  }

  /** The token mixer's S6 at width C: the conv is the shared 2-D one, so the S6 has none. */
  public S6Config tokenSsm(int width) {
    return new S6Config(width, expand, dState, 0, (width + 15) / 16, 1e-3f, 1e-1f, 1e-4f);
  }

  /**
   * What a mixer factory gets for a stage of width C: Mamba's S6 sizes at C (conv 4; the
   * cross-scan mixer drops the conv for its shared 3x3 one, giving {@link #tokenSsm}). A stage's
   * map (B, H, W, C) has its tokens along W (axis 2) within a row and along H (axis 1) within a
   * column, so the 1-D mixers of mixer-api scan rows as token mixers and columns as channel mixers.
   */
  public MixerSpec mixerSpec(int width) {
    return MixerSpec.of(tokenSsm(width).withDConv(4));
  }

  /** The channel mixer's S6 over the lifted channel sequence: Mamba's block at d_model = f. */
  public S6Config channelSsm() {
    return S6Config.mamba(channelFeature).withDState(channelState);
  }

  /** Checks that an image of side h x w can pass every stage. */
  public void requireResolution(long h, long w) {
    if (h <= 0 || w <= 0 || h % totalStride() != 0 || w % totalStride() != 0) {
      throw new IllegalArgumentException(name + ": input " + h + " x " + w
          + " must be positive multiples of the total stride " + totalStride());
    }
  }

  public Vim2Config withImage(int size, int channels, int classCount) {
    return new Vim2Config(name, size, channels, classCount, patch, widths, depths, channelDepths,
        expand, dState, routes, channelFeature, channelState);
  }

  /** The same stages at other widths (one per stage), e.g. to match another variant's budget. */
  public Vim2Config withWidths(List<Integer> w) {
    if (w.size() != stages()) {
      throw new IllegalArgumentException(name + " has " + stages() + " stages; give "
          + stages() + " widths, got " + w);
    }
    return new Vim2Config(name, imageSize, inChannels, classes, patch, w, depths, channelDepths,
        expand, dState, routes, channelFeature, channelState);
  }

  public Vim2Config withRoutes(List<CrossScanRoute> r) {
    return new Vim2Config(name, imageSize, inChannels, classes, patch, widths, depths,
        channelDepths, expand, dState, r, channelFeature, channelState);
  }
}
