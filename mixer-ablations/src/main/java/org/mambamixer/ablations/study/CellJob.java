package org.mambamixer.ablations.study;

import java.io.Serializable;
import java.util.List;

/**
 * A cell ready to run anywhere: its launcher arguments, the run directory it writes, and the
 * metrics to read back. Plain strings only, so any engine can ship it to a worker.
 */
public record CellJob(String cellId, List<String> args, String runDir, List<String> metrics)
    implements Serializable {

  public CellJob {
    args = List.copyOf(args);
    metrics = List.copyOf(metrics);
  }
}
