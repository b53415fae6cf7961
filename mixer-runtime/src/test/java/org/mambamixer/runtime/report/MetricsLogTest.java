package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  private static final List<String> COLUMNS = List.of("epoch", "train_loss", "val_mse");
  @TempDir Path dir;

  @Test
  void everyAppendLeavesACompleteFile() throws IOException {
    Path f = dir.resolve("run/metrics.csv");
    MetricsLog log = MetricsLog.create(f, COLUMNS);
    assertThat(Files.readString(f)).isEqualTo("epoch,train_loss,val_mse\n");
    log.append(1, 0.9, 0.8);
    assertThat(Files.readString(f)).isEqualTo("epoch,train_loss,val_mse\n1,0.9,0.8\n");
    log.append(Map.of("epoch", 2, "train_loss", 0.7));
    assertThat(Table.readCsv(f).rows()).isEqualTo(log.table().rows());
    assertThat(Files.readString(f)).endsWith("2,0.7,\n");
    try (var files = Files.list(f.getParent())) {
      assertThat(files).hasSize(1); // no temp files left behind
    }
  }

  @Test
  void reopeningContinuesAndTruncateDropsEpochsAfterTheCheckpoint() throws IOException {
    Path f = dir.resolve("metrics.csv");
    MetricsLog first = MetricsLog.open(f, COLUMNS);
    for (int e = 1; e <= 4; e++) {
      first.append(e, 1.0 / e, 2.0 / e);
    }
    // "killed" here; resumed from the checkpoint of epoch 3
    MetricsLog resumed = MetricsLog.open(f, COLUMNS);
    assertThat(resumed.table().rowCount()).isEqualTo(4);
    resumed.truncate(3);
    resumed.append(4, 0.3, 0.6);
    assertThat(Table.readCsv(f).doubles("epoch")).containsExactly(1, 2, 3, 4);
    assertThat(Table.readCsv(f).get(3, "train_loss")).isEqualTo(0.3);
  }

  @Test
  void reopeningWithOtherColumnsFailsNamingTheFile() throws IOException {
    Path f = dir.resolve("metrics.csv");
    MetricsLog.create(f, COLUMNS);
    assertThatThrownBy(() -> MetricsLog.open(f, List.of("epoch", "loss")))
        .hasMessageContaining(f.toString())
        .hasMessageContaining("differ from [epoch, loss]");
  }

  @Test
  void aRejectedRowChangesNeitherMemoryNorDisk() throws IOException {
    Path f = dir.resolve("metrics.csv");
    MetricsLog log = MetricsLog.create(f, COLUMNS);
    log.append(1, 0.5, 0.4);
    String before = Files.readString(f);
    assertThatThrownBy(() -> log.append(2, 0.4)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readString(f)).isEqualTo(before);
    assertThat(log.table().rowCount()).isEqualTo(1);
  }
}
