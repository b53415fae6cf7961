package org.mambamixer.timeseries.data;

import java.util.Locale;

/** How a benchmark series is cut into train / validation / test (the Informer/Autoformer code). */
public enum SplitRule {
  /** ETTh*: 12/4/4 months of 30 days, hourly: 8640/2880/2880 rows; later rows are unused. */
  ETT_HOURLY,
  /** ETTm*: the same calendar cut in 15-minute steps: 34560/11520/11520 rows. */
  ETT_15MIN,
  /** Everything else: train = (int) (0.7 N), test = (int) (0.2 N), validation = the rest. */
  RATIO_70_10_20;

  /** The rule the benchmark code applies to a dataset name: by its ETTh / ETTm prefix. */
  public static SplitRule forDataset(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith("etth")) {
      return ETT_HOURLY;
    }
    if (n.startsWith("ettm")) {
      return ETT_15MIN;
    }
    return RATIO_70_10_20;
  }
}
