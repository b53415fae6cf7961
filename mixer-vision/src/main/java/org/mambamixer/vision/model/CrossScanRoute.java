package org.mambamixer.vision.model;

import java.util.List;
import java.util.Locale;
import org.mambamixer.api.scan.ScanRoute;

/**
 * The four scan orders of VMamba's cross-scan over an H x W token grid (D5). The column-major
 * order is a permutation of the row-major tokens (a transpose of the grid); reversal is the scan's
 * reverse flag, so no route ever copies a flipped sequence.
 */
public enum CrossScanRoute {
  ROWS(false, false),
  ROWS_REVERSED(false, true),
  COLUMNS(true, false),
  COLUMNS_REVERSED(true, true);

  /** All four routes, the ViM2 default. */
  public static final List<CrossScanRoute> ALL = List.of(values());

  private final boolean columnMajor;
  private final boolean reverse;

  CrossScanRoute(boolean columnMajor, boolean reverse) {
    this.columnMajor = columnMajor;
    this.reverse = reverse;
  }

  public boolean columnMajor() {
    return columnMajor;
  }

  public boolean reverse() {
    return reverse;
  }

  /** The scan route handed to the route's S6: its name is the parameter prefix. */
  public ScanRoute scanRoute() {
    return new ScanRoute(name().toLowerCase(Locale.ROOT), reverse);
  }

  /**
   * The row-major index {@code r * w + c} of the k-th token this route visits on an {@code h x w}
   * grid: the explicit index form of the route, for tests and documentation.
   */
  public int[] order(int h, int w) {
    int n = h * w;
    int[] seq = new int[n]; // seq[k] = row-major index of the k-th scanned token
    for (int k = 0; k < n; k++) {
      seq[k] = columnMajor ? (k % h) * w + k / h : k;
    }
    if (reverse) {
      for (int k = 0; k < n / 2; k++) {
        int t = seq[k];
        seq[k] = seq[n - 1 - k];
        seq[n - 1 - k] = t;
      }
    }
    return seq;
  }
}
