package org.mambamixer.cuda.gpu;

import org.mambamixer.cuda.ScanKernel;
import org.mambamixer.cuda.ScanProblem;

/**
 * A slow, obviously-correct oracle: the scan and its backward written out step by step in double
 * precision, one (b, d) row at a time, storing that row's states (L, N). It exists so that
 * scan-check can test a fast kernel without DJL, and it follows the maths of the spec (§1.4)
 * literally rather than any kernel's structure.
 */
public final class ScalarScanKernel implements ScanKernel {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public Forward forward(ScanProblem p) {
    float[] out = new float[p.batch() * p.dim() * p.len()];
    float[] last = new float[p.batch() * p.dim() * p.dstate()];
    double[][] h = new double[p.len()][p.dstate()]; // states of one row
    for (int b = 0; b < p.batch(); b++) {
      for (int d = 0; d < p.dim(); d++) {
        states(p, b, d, h);
        for (int s = 0; s < p.len(); s++) {
          int t = time(p, s);
          out[row(p, b, d) + t] = (float) gate(p, b, d, t, y(p, b, d, t, h[s]));
        }
        for (int n = 0; n < p.dstate(); n++) {
          last[(b * p.dim() + d) * p.dstate() + n] = (float) h[p.len() - 1][n];
        }
      }
    }
    return new Forward(out, last, null);
  }

  @Override
  public Gradients backward(ScanProblem p, Forward saved, float[] dout) {
    int bdl = p.batch() * p.dim() * p.len();
    int bnl = p.batch() * p.dstate() * p.len();
    int n0 = p.dstate();
    double[] du = new double[bdl];
    double[] ddelta = new double[bdl];
    double[] dz = new double[bdl];
    double[] dA = new double[p.dim() * n0];
    double[] dB = new double[bnl];
    double[] dC = new double[bnl];
    double[] dD = new double[p.dim()];
    double[] dBias = new double[p.dim()];
    double[] dh0 = new double[p.batch() * p.dim() * n0];
    double[][] h = new double[p.len()][n0];
    double[] lam = new double[n0];
    for (int b = 0; b < p.batch(); b++) {
      for (int d = 0; d < p.dim(); d++) {
        states(p, b, d, h);
        java.util.Arrays.fill(lam, 0);
        int row = row(p, b, d);
        for (int s = p.len() - 1; s >= 0; s--) {
          int t = time(p, s);
          double raw = p.delta()[row + t] + (p.deltaBias() == null ? 0 : p.deltaBias()[d]);
          double dt = p.deltaSoftplus() ? softplus(raw) : raw;
          double ut = p.u()[row + t];
          double g = dout[row + t];
          double dy = g;
          if (p.z() != null) {
            double zt = p.z()[row + t];
            double sg = sigmoid(zt);
            dz[row + t] = g * y(p, b, d, t, h[s]) * sg * (1 + zt * (1 - sg));
            dy = g * zt * sg;
          }
          double skip = p.dSkip() == null ? 0 : p.dSkip()[d];
          dD[d] += dy * ut;
          double duT = skip * dy;
          double ddt = 0;
          for (int n = 0; n < n0; n++) {
            double a = p.A()[d * n0 + n];
            double bt = p.B()[bnl(p, b, n) + t];
            double ct = p.C()[bnl(p, b, n) + t];
            double hp = s > 0 ? h[s - 1][n] : h0(p, b, d, n);
            double abar = Math.exp(dt * a);
            double l = dy * ct + lam[n]; // lambda_s = dy_s C_s + abar_{s+1} lambda_{s+1}
            dB[bnl(p, b, n) + t] += l * dt * ut;
            dC[bnl(p, b, n) + t] += dy * h[s][n];
            duT += l * dt * bt;
            ddt += l * (abar * a * hp + bt * ut);
            dA[d * n0 + n] += l * abar * dt * hp;
            lam[n] = abar * l;
          }
          du[row + t] = duT;
          double draw = p.deltaSoftplus() ? ddt * (raw > 20 ? 1 : sigmoid(raw)) : ddt;
          ddelta[row + t] = draw;
          dBias[d] += draw;
        }
        for (int n = 0; n < n0; n++) {
          dh0[(b * p.dim() + d) * n0 + n] = lam[n];
        }
      }
    }
    return new Gradients(f(du), f(ddelta), f(dA), f(dB), f(dC),
        p.dSkip() == null ? null : f(dD),
        p.z() == null ? null : f(dz),
        p.deltaBias() == null ? null : f(dBias),
        p.h0() == null ? null : f(dh0));
  }

  /** Fills h[s] with the state after scan step s of row (b, d). */
  private static void states(ScanProblem p, int b, int d, double[][] h) {
    int row = row(p, b, d);
    for (int s = 0; s < p.len(); s++) {
      int t = time(p, s);
      double raw = p.delta()[row + t] + (p.deltaBias() == null ? 0 : p.deltaBias()[d]);
      double dt = p.deltaSoftplus() ? softplus(raw) : raw;
      for (int n = 0; n < p.dstate(); n++) {
        double prev = s > 0 ? h[s - 1][n] : h0(p, b, d, n);
        h[s][n] = Math.exp(dt * p.A()[d * p.dstate() + n]) * prev
            + dt * p.B()[bnl(p, b, n) + t] * p.u()[row + t];
      }
    }
  }

  /** y before the gate at time t, from the state after that step. */
  private static double y(ScanProblem p, int b, int d, int t, double[] h) {
    double y = p.dSkip() == null ? 0 : p.dSkip()[d] * (double) p.u()[row(p, b, d) + t];
    for (int n = 0; n < p.dstate(); n++) {
      y += p.C()[bnl(p, b, n) + t] * h[n];
    }
    return y;
  }

  private static double gate(ScanProblem p, int b, int d, int t, double y) {
    if (p.z() == null) {
      return y;
    }
    double zt = p.z()[row(p, b, d) + t];
    return y * zt * sigmoid(zt);
  }

  private static double h0(ScanProblem p, int b, int d, int n) {
    return p.h0() == null ? 0 : p.h0()[(b * p.dim() + d) * p.dstate() + n];
  }

  private static int time(ScanProblem p, int step) {
    return p.reverse() ? p.len() - 1 - step : step;
  }

  private static int row(ScanProblem p, int b, int d) {
    return (b * p.dim() + d) * p.len();
  }

  private static int bnl(ScanProblem p, int b, int n) {
    return (b * p.dstate() + n) * p.len();
  }

  /** PyTorch's softplus (threshold 20). */
  private static double softplus(double x) {
    return x > 20 ? x : Math.log1p(Math.exp(x));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private static float[] f(double[] a) {
    float[] r = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = (float) a[i];
    }
    return r;
  }
}
