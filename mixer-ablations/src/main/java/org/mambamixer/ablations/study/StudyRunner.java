package org.mambamixer.ablations.study;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mambamixer.runtime.report.AtomicFiles;

/**
 * Runs a study into {@code dir}: {@code study.json} (the study as run), one ordinary run directory
 * per cell under {@code cells/} (with {@code cell.json} and, once finished, {@code outcome.json}),
 * then the summary ({@link StudySummary}). With {@code resume}, cells whose outcome is a success
 * are read back instead of run again; failed and unfinished ones run again from scratch, their
 * earlier attempt's directory removed first.
 */
public final class StudyRunner {
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  private final PrintWriter log;

  public StudyRunner(PrintWriter log) {
    this.log = log;
  }

  public List<CellResult> run(Study study, Path dir, CellEngine engine, boolean resume)
      throws IOException {
    if (!resume && Files.exists(dir.resolve("study.json"))) {
      throw new IOException(dir + " already holds a study; pass --resume to continue it or"
          + " choose another --studies-dir");
    }
    AtomicFiles.writeString(dir.resolve("study.json"), GSON.toJson(study));
    List<String> axes = new ArrayList<>(study.axes().keySet());
    Map<String, Cell> byId = new HashMap<>();
    Map<String, CellResult> finished = new HashMap<>();
    List<CellJob> jobs = new ArrayList<>();
    for (Cell c : study.cells()) {
      String id = c.id(axes);
      byId.put(id, c);
      Path runDir = dir.resolve("cells").resolve(id);
      CellResult previous = resume ? readOutcome(runDir) : null;
      if (previous != null && previous.ok()) {
        finished.put(id, previous);
        continue;
      }
      if (previous != null || Files.exists(runDir.resolve("cell.json"))) {
        deleteAttempt(runDir); // a failed or cut-off attempt: the command refuses a used run dir
      }
      AtomicFiles.writeString(runDir.resolve("cell.json"), GSON.toJson(c));
      jobs.add(new CellJob(id, c.args(), runDir.toAbsolutePath().toString(), study.metrics()));
    }
    log.printf(Locale.ROOT, "study %s: %d cells (%d finished earlier, %d to run)%n",
        study.name(), byId.size(), finished.size(), jobs.size());
    long t0 = System.nanoTime();
    int[] count = {0};
    List<CellResult> results = new ArrayList<>(finished.values());
    results.addAll(engine.run(jobs, r -> {
      count[0]++;
      try {
        AtomicFiles.writeString(dir.resolve("cells").resolve(r.cellId()).resolve("outcome.json"),
            GSON.toJson(r));
      } catch (IOException e) {
        log.println("could not record the outcome of " + r.cellId() + ": " + e.getMessage());
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double eta = elapsed / count[0] * (jobs.size() - count[0]);
      log.printf(Locale.ROOT, "[%d/%d] %s %s %s (%.0fs, ETA %.0fs)%n", count[0], jobs.size(),
          r.cellId(), r.ok() ? "ok" : "FAILED", r.ok() ? r.metrics() : r.error(), r.seconds(),
          eta);
      log.flush();
    }));
    new StudySummary(study, byId, results).write(dir);
    return results;
  }

  /** Removes a cell's earlier attempt (its run directory) so the cell runs again from scratch. */
  private static void deleteAttempt(Path runDir) throws IOException {
    try (var paths = Files.walk(runDir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static CellResult readOutcome(Path runDir) throws IOException {
    Path f = runDir.resolve("outcome.json");
    if (!Files.isRegularFile(f)) {
      return null;
    }
    try {
      return GSON.fromJson(Files.readString(f), CellResult.class);
    } catch (RuntimeException e) {
      return null; // unreadable: run the cell again
    }
  }
}
