package org.mambamixer.cuda.cpu;

/**
 * One tile of {@link CpuScanKernel#TILE} channels of one batch row, laid out lane-minor so that
 * step t of all channels is one vector: every (L, W) array holds element (t, lane) at
 * {@code t * W + lane}, every (N, W) array element (n, lane) at {@code n * W + lane}. Lanes past
 * the last real channel are zero-padded; zeros keep them finite and contribute nothing to the sums
 * over channels (their output gradient is zero, so their adjoint stays zero).
 *
 * <p>A worker owns one instance and refills it per tile, so the hot loops allocate nothing.
 */
final class TileJob {
  static final int W = CpuScanKernel.TILE;

  final int len;
  final int n;
  final int chunk;
  final int nChunks;
  final boolean reverse;

  // Inputs, refilled per tile by the kernel.
  final float[] dt; // (L, W) delta after bias and softplus
  final float[] sig; // (L, W) sigmoid(delta + bias): d softplus / d input
  final float[] u; // (L, W)
  final float[] z; // (L, W)
  final float[] aRaw; // (N, W) A
  final float[] aLog2; // (N, W) A * log2(e): exp(dt A) = 2^(dt A log2 e)
  final float[] dSkip; // (W)
  boolean hasZ;
  boolean hasSkip;
  float[] b; // (B, N, L) the problem's B, shared by all tiles: read in place, not transposed
  float[] c; // (B, N, L) C
  int bcOff; // b * N * L

  // Forward: y (L, W) out; backward: the output gradient (L, W) in.
  final float[] y;
  final float[] h; // (N, W) forward: h0 in, last state out; backward: adjoint, dh0 out
  final float[] ckpt; // (nChunks, N, W) state before the first step of each chunk

  // Backward outputs.
  final float[] du; // (L, W)
  final float[] ddt; // (L, W) gradient w.r.t. delta after softplus
  final float[] dz; // (L, W)
  final float[] dA; // (N, W) accumulated over this tile's steps
  final float[] dD; // (W)
  float[] dB; // (L, N) this work unit's partial sum over its channels
  float[] dC; // (L, N)

  // Backward scratch for one chunk: states are recomputed from the chunk's checkpoint.
  final float[] aBuf; // (K, N, W) exp(dt A)
  final float[] hBuf; // (K + 1, N, W) slot 0 = state before the chunk, slot i+1 = after step i
  final float[] yBuf; // (K, W) C . h

  TileJob(int len, int n, int chunk, boolean reverse, boolean backward) {
    this.len = len;
    this.n = n;
    this.chunk = chunk;
    this.nChunks = (len + chunk - 1) / chunk;
    this.reverse = reverse;
    int lw = len * W;
    int nw = n * W;
    dt = new float[lw];
    sig = new float[lw];
    u = new float[lw];
    z = new float[lw];
    aRaw = new float[nw];
    aLog2 = new float[nw];
    dSkip = new float[W];
    y = new float[lw];
    h = new float[nw];
    ckpt = new float[nChunks * nw];
    int k = Math.min(chunk, len);
    du = backward ? new float[lw] : null;
    ddt = backward ? new float[lw] : null;
    dz = backward ? new float[lw] : null;
    dA = backward ? new float[nw] : null;
    dD = backward ? new float[W] : null;
    aBuf = backward ? new float[k * nw] : null;
    hBuf = backward ? new float[(k + 1) * nw] : null;
    yBuf = backward ? new float[k * W] : null;
  }

  /** Position of scan step s: reverse scans by indexing, never by a flipped copy. */
  int pos(int s) {
    return reverse ? len - 1 - s : s;
  }
}
