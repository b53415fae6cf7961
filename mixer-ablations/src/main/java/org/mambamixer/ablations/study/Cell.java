package org.mambamixer.ablations.study;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One cell of a study: a level per axis and a seed, and the launcher arguments they make (without
 * the run directory, which the runner adds). Serializable so an engine can ship it to a worker.
 *
 * @param levels axis -> level, in axis order
 * @param seed the cell's seed
 * @param args the launcher arguments, command first
 */
public record Cell(Map<String, String> levels, long seed, List<String> args)
    implements Serializable {

  public Cell {
    levels = Map.copyOf(levels);
    args = List.copyOf(args);
  }

  /** A folder name unique within the study: the levels in axis order, then the seed. */
  public String id(List<String> axisOrder) {
    return axisOrder.stream().map(a -> levels.get(a).replaceAll("[^A-Za-z0-9._-]", "_"))
        .collect(Collectors.joining("-")) + "-s" + seed;
  }
}
