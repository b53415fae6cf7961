package org.mambamixer.timeseries.model;

import java.util.Map;

/**
 * TSM2's published MSE (arXiv 2403.19888 v1, Table 5; lookback 512), by dataset and horizon. The
 * paper reports no MAE.
 */
public final class PaperResults {
  private PaperResults() {}

  private static final Map<String, double[]> TABLE5 = Map.of(
      "ETTh1", new double[] {0.375, 0.398, 0.419, 0.422},
      "ETTh2", new double[] {0.253, 0.334, 0.347, 0.401},
      "ETTm1", new double[] {0.322, 0.349, 0.366, 0.407},
      "ETTm2", new double[] {0.173, 0.230, 0.279, 0.388},
      "electricity", new double[] {0.142, 0.153, 0.175, 0.209},
      "exchange_rate", new double[] {0.163, 0.229, 0.383, 0.999},
      "traffic", new double[] {0.396, 0.408, 0.427, 0.449},
      "weather", new double[] {0.161, 0.208, 0.252, 0.337});

  /** The paper's TSM2 test MSE, or NaN where the paper has no cell. */
  public static double tsm2Mse(String dataset, int horizon) {
    double[] row = TABLE5.get(dataset);
    int col = switch (horizon) {
      case 96 -> 0;
      case 192 -> 1;
      case 336 -> 2;
      case 720 -> 3;
      default -> -1;
    };
    return row == null || col < 0 ? Double.NaN : row[col];
  }
}
