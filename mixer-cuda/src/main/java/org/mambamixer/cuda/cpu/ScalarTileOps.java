package org.mambamixer.cuda.cpu;

import static org.mambamixer.cuda.cpu.TileJob.W;

/**
 * Tile arithmetic lane by lane, for JVMs started without {@code jdk.incubator.vector}. Same step
 * order as {@link VectorTileOps}; exp is {@link Math#exp}.
 */
final class ScalarTileOps implements TileOps {

  @Override
  public String name() {
    return "scalar";
  }

  private static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  @Override
  public void exp(float[] x, int count) {
    for (int i = 0; i < count; i++) {
      x[i] = (float) Math.exp(x[i]);
    }
  }

  @Override
  public void softplus(float[] x, float[] sig, int count) {
    for (int i = 0; i < count; i++) {
      float v = x[i];
      if (sig != null) {
        sig[i] = sigmoid(v);
      }
      x[i] = v > 20f ? v : (float) (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    }
  }

  @Override
  public void forward(TileJob j) {
    int n = j.n;
    int len = j.len;
    int nw = n * W;
    float[] h = j.h;
    for (int s = 0, c = 0; s < j.len; s++) {
      if (s % j.chunk == 0) {
        System.arraycopy(h, 0, j.ckpt, c++ * nw, nw);
      }
      int t = j.pos(s);
      int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
      for (int l = 0; l < W; l++) {
        float dt = j.dt[t * W + l];
        float dtu = dt * j.u[t * W + l];
        float y = 0;
        for (int k = 0; k < n; k++) {
          float a = (float) Math.exp(dt * j.aRaw[k * W + l]);
          float hk = a * h[k * W + l] + dtu * j.b[bc + k * len];
          h[k * W + l] = hk;
          y += hk * j.c[bc + k * len];
        }
        j.y[t * W + l] = y;
      }
    }
  }

  @Override
  public void gate(TileJob j) {
    for (int i = 0; i < j.len * W; i++) {
      float y = j.y[i];
      if (j.hasSkip) {
        y += j.dSkip[i % W] * j.u[i];
      }
      if (j.hasZ) {
        y *= j.z[i] * sigmoid(j.z[i]);
      }
      j.y[i] = y;
    }
  }

  @Override
  public void backward(TileJob j) {
    int n = j.n;
    int len = j.len;
    int nw = n * W;
    float[] dyLane = new float[W];
    for (int c = j.nChunks - 1; c >= 0; c--) {
      int s0 = c * j.chunk;
      int s1 = Math.min(j.len, s0 + j.chunk);
      System.arraycopy(j.ckpt, c * nw, j.hBuf, 0, nw);
      for (int s = s0; s < s1; s++) {
        int t = j.pos(s);
        int i = s - s0;
        int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
        for (int l = 0; l < W; l++) {
          float dt = j.dt[t * W + l];
          float dtu = dt * j.u[t * W + l];
          float y = 0;
          for (int k = 0; k < n; k++) {
            float a = (float) Math.exp(dt * j.aRaw[k * W + l]);
            j.aBuf[i * nw + k * W + l] = a;
            float hk = a * j.hBuf[i * nw + k * W + l] + dtu * j.b[bc + k * len];
            j.hBuf[(i + 1) * nw + k * W + l] = hk;
            y += hk * j.c[bc + k * len];
          }
          j.yBuf[i * W + l] = y;
        }
      }
      for (int s = s1 - 1; s >= s0; s--) {
        int t = j.pos(s);
        int i = s - s0;
        int bc = j.bcOff + t; // B and C at (k, t): bc + k * len
        int pc = t * n;
        for (int l = 0; l < W; l++) {
          float u = j.u[t * W + l];
          float g = j.y[t * W + l];
          float dy = g;
          if (j.hasZ) {
            float y = j.yBuf[i * W + l] + (j.hasSkip ? j.dSkip[l] * u : 0f);
            float z = j.z[t * W + l];
            float sg = sigmoid(z);
            dy = g * z * sg;
            j.dz[t * W + l] = g * y * sg * (1 + z * (1 - sg));
          }
          dyLane[l] = dy;
          j.dD[l] += dy * u;
        }
        // Lanes are summed in lane order per (t, n), as the vector path's reduction does.
        for (int k = 0; k < n; k++) {
          float sumC = 0;
          float sumB = 0;
          for (int l = 0; l < W; l++) {
            float dtu = j.dt[t * W + l] * j.u[t * W + l];
            float lam = j.h[k * W + l] + dyLane[l] * j.c[bc + k * len];
            sumC += dyLane[l] * j.hBuf[(i + 1) * nw + k * W + l];
            sumB += lam * dtu;
          }
          j.dC[pc + k] += sumC;
          j.dB[pc + k] += sumB;
        }
        for (int l = 0; l < W; l++) {
          float u = j.u[t * W + l];
          float dt = j.dt[t * W + l];
          float sumLB = 0;
          float ddtA = 0;
          for (int k = 0; k < n; k++) {
            int e = k * W + l;
            float lam = j.h[e] + dyLane[l] * j.c[bc + k * len];
            float a = j.aBuf[i * nw + e];
            float q = lam * a * j.hBuf[i * nw + e];
            sumLB += lam * j.b[bc + k * len];
            ddtA += q * j.aRaw[e];
            j.dA[e] += q * dt;
            j.h[e] = a * lam;
          }
          j.du[t * W + l] = dt * sumLB + (j.hasSkip ? j.dSkip[l] * dyLane[l] : 0f);
          j.ddt[t * W + l] = ddtA + u * sumLB;
        }
      }
    }
  }
}
