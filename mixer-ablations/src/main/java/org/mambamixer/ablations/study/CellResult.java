package org.mambamixer.ablations.study;

import java.io.Serializable;
import java.util.Map;

/**
 * What a cell produced: the study's metrics from the run's results.csv, or the error that stopped
 * it (a failed cell is recorded, not lost).
 *
 * @param cellId the cell's folder name
 * @param exitCode the launcher's exit code (0 success)
 * @param metrics metric name -> value (empty when failed)
 * @param seconds wall time of the cell
 * @param error the failure's message, empty on success
 */
public record CellResult(String cellId, int exitCode, Map<String, Double> metrics,
    double seconds, String error) implements Serializable {

  public CellResult {
    metrics = Map.copyOf(metrics);
  }

  public boolean ok() {
    return exitCode == 0 && error.isEmpty();
  }
}
