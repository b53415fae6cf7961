package org.mambamixer.cuda.cpu;

import static org.mambamixer.cuda.cpu.TileJob.W;

import java.util.Arrays;
import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * The selective scan fused on the CPU: delta bias and softplus, exp(delta A), delta B u, the
 * recurrence, C.h, the D skip and the silu(z) gate in one pass over each (batch row, tile of 8
 * channels), vectorised over the tile's channels (see {@link TileOps}).
 *
 * <p>Work is split into units of (batch row, group of {@value #GROUP_TILES} tiles) that threads take
 * from a shared counter. The partition is fixed, and every sum across units (dB and dC over channel
 * groups, dA, dD and d delta_bias over batch rows) is a per-unit partial added in unit order
 * afterwards, so gradients are bitwise identical for any thread count.
 *
 * <p>The forward keeps the state at the start of every chunk of {@code chunk} steps; the backward
 * recomputes the states of one chunk at a time from there, so saved memory per channel is
 * N * ceil(L / chunk) floats instead of N * L.
 */
public final class CpuScanKernel implements ScanKernel {
  /** Channels per tile: the float lanes of one AVX2 vector. */
  public static final int TILE = 8;
  /** Tiles per work unit (64 channels): fixed, so summation order never depends on threads. */
  static final int GROUP_TILES = 8;
  /** Default scan steps per checkpoint chunk: the chunk's states (256 * N * 8 floats) stay in L2. */
  public static final int DEFAULT_CHUNK = 256;

  private static final float LOG2E = 1.4426950408889634f;

  private final Workers workers;
  private final int chunk;
  private final TileOps ops;

  /** All available processors, default chunk. */
  public CpuScanKernel() {
    this(Runtime.getRuntime().availableProcessors(), DEFAULT_CHUNK);
  }

  /**
   * @param threads worker threads (1 runs on the caller's thread)
   * @param chunk scan steps between saved states; the backward recomputes within a chunk
   */
  public CpuScanKernel(int threads, int chunk) {
    this(threads, chunk, TileOps.best());
  }

  /** With a given arithmetic, so tests can run the scalar path beside the vector one. */
  CpuScanKernel(int threads, int chunk, TileOps ops) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be positive, got " + chunk);
    }
    this.workers = new Workers(threads);
    this.chunk = chunk;
    this.ops = ops;
  }

  @Override
  public String name() {
    return "cpu";
  }

  /** "vector" or "scalar": which arithmetic this JVM runs. */
  public String path() {
    return ops.name();
  }

  public int threads() {
    return workers.threads();
  }

  @Override
  public Forward forward(ScanProblem p) {
    Layout lay = new Layout(p);
    int nChunks = (p.len() + chunk - 1) / chunk;
    int saved = nChunks - 1; // the first chunk starts from h0 (or zeros): nothing to save
    TileConstants consts = new TileConstants(p, lay.tiles);
    float[] out = new float[p.batch() * p.dim() * p.len()];
    float[] last = new float[p.batch() * p.dim() * p.dstate()];
    float[] states = new float[p.batch() * p.dim() * saved * p.dstate()];
    forEachUnit(lay.units(), p, chunk, false, (j, unit) -> {
      int b = unit / lay.groups;
      for (int tile : lay.tiles(unit)) {
        load(j, p, b, tile, consts, false);
        ops.forward(j);
        ops.gate(j);
        int d0 = tile * W;
        int w = Math.min(W, p.dim() - d0);
        scatter(j.y, out, (b * p.dim() + d0) * p.len(), w, p.len());
        for (int l = 0; l < w; l++) {
          int ch = b * p.dim() + d0 + l;
          for (int k = 0; k < p.dstate(); k++) {
            last[ch * p.dstate() + k] = j.h[k * W + l];
            for (int c = 1; c < nChunks; c++) {
              states[(ch * saved + c - 1) * p.dstate() + k] = j.ckpt[(c * p.dstate() + k) * W + l];
            }
          }
        }
      }
    });
    return new Forward(out, last, new Checkpoints(chunk, nChunks, states));
  }

  @Override
  public Gradients backward(ScanProblem p, Forward saved, float[] dout) {
    if (!(saved.checkpoints() instanceof Checkpoints ck)) {
      throw new IllegalArgumentException("saved.checkpoints must come from CpuScanKernel.forward, got "
          + saved.checkpoints());
    }
    int bdl = p.batch() * p.dim() * p.len();
    if (dout == null || dout.length != bdl) {
      throw new IllegalArgumentException("dout must hold " + bdl + " floats (batch, dim, len)");
    }
    int nB = p.batch();
    int nD = p.dim();
    int nL = p.len();
    int nN = p.dstate();
    Layout lay = new Layout(p);
    TileConstants consts = new TileConstants(p, lay.tiles);
    int savedChunks = ck.nChunks() - 1;
    float[] du = new float[bdl];
    float[] ddelta = new float[bdl];
    float[] dz = p.z() != null ? new float[bdl] : null;
    float[] dh0 = p.h0() != null ? new float[nB * nD * nN] : null;
    // Per-unit and per-row partials, summed in a fixed order below.
    float[][] partB = new float[lay.units()][]; // (L, N) each
    float[][] partC = new float[lay.units()][];
    float[] rowA = new float[nB * nD * nN];
    float[] rowD = new float[nB * nD];
    float[] rowBias = new float[nB * nD];
    forEachUnit(lay.units(), p, ck.chunk(), true, (j, unit) -> {
      int b = unit / lay.groups;
      j.dB = partB[unit] = new float[nL * nN];
      j.dC = partC[unit] = new float[nL * nN];
      for (int tile : lay.tiles(unit)) {
        load(j, p, b, tile, consts, true);
        int d0 = tile * W;
        int w = Math.min(W, nD - d0);
        int base = (b * nD + d0) * nL;
        gather(dout, base, w, nL, j.y);
        System.arraycopy(j.h, 0, j.ckpt, 0, nN * W); // chunk 0 starts from h0, as load() set it
        for (int l = 0; l < w; l++) {
          int ch = b * nD + d0 + l;
          for (int k = 0; k < nN; k++) {
            for (int c = 1; c < ck.nChunks(); c++) {
              j.ckpt[(c * nN + k) * W + l] = ck.states()[(ch * savedChunks + c - 1) * nN + k];
            }
          }
        }
        Arrays.fill(j.h, 0f);
        Arrays.fill(j.dA, 0f);
        Arrays.fill(j.dD, 0f);
        ops.backward(j);
        if (p.deltaSoftplus()) {
          for (int i = 0; i < nL * W; i++) {
            j.ddt[i] *= j.sig[i];
          }
        }
        scatter(j.du, du, base, w, nL);
        scatter(j.ddt, ddelta, base, w, nL);
        if (dz != null) {
          scatter(j.dz, dz, base, w, nL);
        }
        for (int l = 0; l < w; l++) {
          int ch = b * nD + d0 + l;
          float bias = 0;
          for (int t = 0; t < nL; t++) {
            bias += j.ddt[t * W + l];
          }
          rowBias[ch] = bias;
          rowD[ch] = j.dD[l];
          for (int k = 0; k < nN; k++) {
            rowA[ch * nN + k] = j.dA[k * W + l];
            if (dh0 != null) {
              dh0[ch * nN + k] = j.h[k * W + l];
            }
          }
        }
      }
    });
    float[] dB = new float[nB * nN * nL];
    float[] dC = new float[nB * nN * nL];
    for (int b = 0; b < nB; b++) {
      for (int g = 0; g < lay.groups; g++) {
        float[] pb = partB[b * lay.groups + g];
        float[] pc = partC[b * lay.groups + g];
        for (int k = 0; k < nN; k++) {
          for (int t = 0; t < nL; t++) {
            dB[(b * nN + k) * nL + t] += pb[t * nN + k];
            dC[(b * nN + k) * nL + t] += pc[t * nN + k];
          }
        }
      }
    }
    return new Gradients(du, ddelta, sumRows(rowA, nB), dB, dC,
        p.dSkip() != null ? sumRows(rowD, nB) : null, dz,
        p.deltaBias() != null ? sumRows(rowBias, nB) : null, dh0);
  }

  /** Sums {@code rows} equal rows of {@code a} in row order. */
  private static float[] sumRows(float[] a, int rows) {
    int width = a.length / rows;
    float[] s = new float[width];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < width; i++) {
        s[i] += a[r * width + i];
      }
    }
    return s;
  }

  /** Fills a tile's inputs for batch row b. */
  private void load(TileJob j, ScanProblem p, int b, int tile, TileConstants consts,
      boolean withSigmoid) {
    int nD = p.dim();
    int nL = p.len();
    int nN = p.dstate();
    int d0 = tile * W;
    int w = Math.min(W, nD - d0);
    int base = (b * nD + d0) * nL;
    gather(p.delta(), base, w, nL, j.dt);
    if (p.deltaBias() != null) {
      for (int l = 0; l < w; l++) {
        float bias = p.deltaBias()[d0 + l];
        for (int t = 0; t < nL; t++) {
          j.dt[t * W + l] += bias;
        }
      }
    }
    if (p.deltaSoftplus()) {
      ops.softplus(j.dt, withSigmoid ? j.sig : null, nL * W);
    }
    gather(p.u(), base, w, nL, j.u);
    j.hasZ = p.z() != null;
    if (j.hasZ) {
      gather(p.z(), base, w, nL, j.z);
    }
    j.hasSkip = p.dSkip() != null;
    int nw = nN * W;
    System.arraycopy(consts.dSkip, tile * W, j.dSkip, 0, W);
    System.arraycopy(consts.aRaw, tile * nw, j.aRaw, 0, nw);
    System.arraycopy(consts.aLog2, tile * nw, j.aLog2, 0, nw);
    if (p.h0() == null) {
      Arrays.fill(j.h, 0f);
    } else {
      for (int l = 0; l < W; l++) {
        for (int k = 0; k < nN; k++) {
          j.h[k * W + l] = l < w ? p.h0()[((b * nD) + d0 + l) * nN + k] : 0f;
        }
      }
    }
    j.b = p.B();
    j.c = p.C();
    j.bcOff = b * nN * nL;
  }

  /** (w channels of L) at src[base..] to the lane-minor (L, W) tile layout, zero-padding lanes. */
  private static void gather(float[] src, int base, int w, int len, float[] dst) {
    if (w < W) {
      Arrays.fill(dst, 0, len * W, 0f);
    }
    for (int l = 0; l < w; l++) {
      int o = base + l * len;
      for (int t = 0; t < len; t++) {
        dst[t * W + l] = src[o + t];
      }
    }
  }

  private static void scatter(float[] tile, float[] dst, int base, int w, int len) {
    for (int l = 0; l < w; l++) {
      int o = base + l * len;
      for (int t = 0; t < len; t++) {
        dst[o + t] = tile[t * W + l];
      }
    }
  }

  private interface UnitBody {
    void run(TileJob job, int unit);
  }

  /** Runs every unit once; each worker owns one TileJob, reused across its units. */
  private void forEachUnit(int units, ScanProblem p, int chunkSteps, boolean backward, UnitBody body) {
    workers.forEach(units, () -> new TileJob(p.len(), p.dstate(), chunkSteps, p.reverse(), backward),
        body::run);
  }

  /**
   * What a tile needs that does not depend on the batch row, laid out once per call in the tile
   * layout: A and A log2(e) as (tiles, N, W), D as (tiles, W); lanes past D are zeros. At short
   * scans (TSM2's variate mixer: L = 7) rebuilding them per (row, tile) cost as much as the scan.
   */
  private static final class TileConstants {
    final float[] aRaw;
    final float[] aLog2;
    final float[] dSkip;

    TileConstants(ScanProblem p, int tiles) {
      int nN = p.dstate();
      aRaw = new float[tiles * nN * W];
      aLog2 = new float[tiles * nN * W];
      dSkip = new float[tiles * W];
      for (int d = 0; d < p.dim(); d++) {
        int tile = d / W;
        int l = d % W;
        dSkip[tile * W + l] = p.dSkip() != null ? p.dSkip()[d] : 0f;
        for (int k = 0; k < nN; k++) {
          float a = p.A()[d * nN + k];
          aRaw[(tile * nN + k) * W + l] = a;
          aLog2[(tile * nN + k) * W + l] = a * LOG2E;
        }
      }
    }
  }

  /** The fixed partition: unit = (batch row, group of GROUP_TILES tiles). */
  private static final class Layout {
    final int tiles;
    final int groups;
    final int batch;

    Layout(ScanProblem p) {
      tiles = (p.dim() + W - 1) / W;
      groups = (tiles + GROUP_TILES - 1) / GROUP_TILES;
      batch = p.batch();
    }

    int units() {
      return batch * groups;
    }

    int[] tiles(int unit) {
      int g = unit % groups;
      int first = g * GROUP_TILES;
      int last = Math.min(tiles, first + GROUP_TILES);
      int[] r = new int[last - first];
      for (int i = 0; i < r.length; i++) {
        r[i] = first + i;
      }
      return r;
    }
  }
}
