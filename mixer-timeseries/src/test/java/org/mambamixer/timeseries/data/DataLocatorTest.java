package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {
  @TempDir Path dir;

  private Path touch(String relative) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, "date,OT\n2020-01-01,1\n");
  }

  @Test
  void directoryComesFromFlagThenEnvironmentThenHome() {
    Map<String, String> env = Map.of(DataLocator.ENV, "/env/data");
    assertThat(DataLocator.choose("/flag/data", env::get, dir).dataDir())
        .isEqualTo(Path.of("/flag/data"));
    assertThat(DataLocator.choose(" ", env::get, dir).dataDir()).isEqualTo(Path.of("/env/data"));
    assertThat(DataLocator.choose(null, k -> null, dir).dataDir())
        .isEqualTo(dir.resolve(".mambamixer/data"));
  }

  @Test
  void findsUsualLayoutsCaseInsensitively() throws IOException {
    Path ett = touch("ETT-small/ETTh1.csv.gz");
    Path weather = touch("weather/weather.csv");
    Path flat = touch("ETTm2.csv");
    Path bundle = touch("forecasting/ETT-small/ETTh2.csv.gz");
    DataLocator locator = new DataLocator(dir, "test");
    assertThat(locator.locate("etth1")).isEqualTo(ett);
    assertThat(locator.locate("WEATHER")).isEqualTo(weather);
    assertThat(locator.locate("ETTm2")).isEqualTo(flat);
    assertThat(locator.locate("ETTh2")).isEqualTo(bundle);
  }

  @Test
  void anExistingPathIsTakenAsIs() throws IOException {
    Path custom = touch("elsewhere/my-series.csv");
    DataLocator elsewhere = new DataLocator(dir.resolve("empty"), "test");
    assertThat(elsewhere.locate(custom.toString())).isEqualTo(custom);
  }

  @Test
  void missingDatasetListsEveryPathAndWhereToGetIt() {
    DataLocator locator = new DataLocator(dir, "$" + DataLocator.ENV);
    assertThatThrownBy(() -> locator.locate("ETTm1"))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining(
            "dataset ETTm1 not found in " + dir + " (data directory from $MAMBAMIXER_DATA")
        .hasMessageContaining(dir.resolve("ETT-small/ETTm1.csv").toString())
        .hasMessageContaining(dir.resolve("ETT-small/ETTm1.csv.gz").toString())
        .hasMessageContaining(dir.resolve("ETTm1.csv.gz").toString())
        .hasMessageContaining(dir.resolve("forecasting/ETT-small/ETTm1.csv").toString())
        .hasMessageContaining("github.com/zhouhaoyi/ETDataset");
    assertThatThrownBy(() -> locator.locate("Electricity"))
        .hasMessageContaining(dir.resolve("electricity/electricity.csv").toString())
        .hasMessageContaining("Autoformer / Time-Series-Library data bundle");
    assertThatThrownBy(() -> locator.locate("ETTh9"))
        .hasMessageContaining("'ETTh9' is neither an existing file nor a known dataset name")
        .hasMessageContaining("exchange_rate");
  }
}
