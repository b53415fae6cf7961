package org.mambamixer.ablations.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/tsm2-full-protocol.sh against a stand-in launcher that writes a results.csv at once (its
 * validation MSE a function of the flags) and logs every run it is asked for: what the script
 * chooses, what it writes, and that two instances sharing an output directory run each job once.
 */
class FullProtocolScriptTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "tsm2-full-protocol.sh");

  /** val MSE = 0.5 + lr x 100, plus 0.01 for the narrow model: preset-lr3e-4 is the best. */
  private static final String FAKE_LAUNCHER = """
      #!/usr/bin/env bash
      set -e
      d=32; lr=1e-3
      while [[ $# -gt 0 ]]; do
        case $1 in --run-dir) dir=$2; shift ;; --horizon) h=$2; shift ;; --lr) lr=$2; shift ;;
          --d-model) d=$2; shift ;; esac
        shift
      done
      echo "$INSTANCE $dir H$h" >> "$(dirname "$0")/runs.log"
      sleep 0.3
      v=$(awk -v l="$lr" -v d="$d" 'BEGIN { print 0.5 + l * 100 + (d == 16 ? 0.01 : 0) }')
      mkdir -p "$dir/H$h"
      printf 'val_mse,mse,mae,epochs,best_epoch,seconds_per_epoch,peak_rss_mb\\n%s,0.4,0.41,3,2,100,4000\\n' "$v" \\
        > "$dir/H$h/results.csv"
      """;

  private static Path repo(Path tmp) throws IOException {
    Path repo = Files.createDirectories(tmp.resolve("repo/scripts"));
    Files.copy(SCRIPT, repo.resolve("tsm2-full-protocol.sh"));
    Path launcher = tmp.resolve("repo/mambamixer");
    Files.writeString(launcher, FAKE_LAUNCHER);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    return tmp.resolve("repo");
  }

  private static Process start(Path repo, Path out, String instance, String... datasets)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", "scripts/tsm2-full-protocol.sh", "DATA",
        out.toString()));
    cmd.addAll(List.of(datasets));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true)
        .redirectOutput(repo.resolve("instance-" + instance + ".log").toFile());
    pb.environment().put("INSTANCE", instance);
    pb.environment().put("PROTOCOL_POLL_SECONDS", "0.2");
    return pb.start();
  }

  @Test
  void twoInstancesRunEveryJobOnceAndChooseOnValidation(@TempDir Path tmp) throws Exception {
    Path repo = repo(tmp);
    Path out = tmp.resolve("out");
    // The same order, so both meet on every grid and must share it.
    Process a = start(repo, out, "a", "ETTh1", "ETTh2");
    Process b = start(repo, out, "b", "ETTh1", "ETTh2");
    assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).isZero();
    assertThat(b.exitValue()).isZero();

    // 4 grid points at H96 and 3 chosen horizons per dataset, each run exactly once.
    List<String> runs = Files.readAllLines(repo.resolve("runs.log"));
    List<String> jobs = runs.stream().map(r -> r.substring(2)).toList();
    assertThat(jobs).hasSize(14).doesNotHaveDuplicates();
    assertThat(runs).anyMatch(r -> r.startsWith("a ")).anyMatch(r -> r.startsWith("b "));
    assertThat(Files.readAllLines(out.resolve("ETTh1/tuning.csv"))).containsExactly(
        "point,flags,val_mse,test_mse,epochs,best_epoch,chosen",
        "preset-lr1e-3,--lr 1e-3,0.6,0.4,3,2,no",
        "preset-lr3e-4,--lr 3e-4,0.53,0.4,3,2,yes",
        "narrow-lr1e-3,--lr 1e-3 --d-model 16 --dropout 0.3,0.61,0.4,3,2,no",
        "narrow-lr3e-4,--lr 3e-4 --d-model 16 --dropout 0.3,0.54,0.4,3,2,no");
    List<String> table = Files.readAllLines(out.resolve("protocol.csv"));
    assertThat(table).hasSize(1 + 8);
    assertThat(table.get(1)).startsWith("ETTh1,96,preset-lr3e-4,--lr 3e-4,0.53,");
    assertThat(table.get(8)).startsWith("ETTh2,720,preset-lr3e-4,");
    assertThat(out.resolve("ETTh1/chosen/H720/results.csv")).exists();
  }

  @Test
  void aFailingRunStopsTheInstanceWithItsExitCode(@TempDir Path tmp) throws Exception {
    Path repo = repo(tmp);
    Path launcher = repo.resolve("mambamixer");
    Files.writeString(launcher, FAKE_LAUNCHER.replace("sleep 0.3",
        "[[ $lr == 3e-4 && $d == 16 ]] && exit 3"));
    Process p = start(repo, tmp.resolve("out"), "a", "ETTh1");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(3);
    assertThat(tmp.resolve("out/ETTh1/tuning.csv")).doesNotExist();
  }
}
