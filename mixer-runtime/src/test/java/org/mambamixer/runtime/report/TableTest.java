package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableTest {
  @TempDir Path dir;

  private static Table sample() {
    return Table.of("model", "horizon", "mse", "note")
        .append("TSM2", 96, 0.375123, null)
        .append("a,b", 192L, 0.1f, "say \"hi\"")
        .append("multi\nline", 336, Double.NaN, "")
        .append("720", -5, 1.5e-7, "x|y");
  }

  @Test
  void csvQuotesPerRfc4180() {
    assertThat(sample().toCsv()).isEqualTo(
        "model,horizon,mse,note\n"
            + "TSM2,96,0.375123,\n"
            + "\"a,b\",192,0.1,\"say \"\"hi\"\"\"\n"
            + "\"multi\nline\",336,NaN,\"\"\n"
            + "\"720\",-5,1.5E-7,x|y\n");
  }

  @Test
  void csvRoundTripsExactlyThroughAFile() throws IOException {
    Path f = dir.resolve("results.csv");
    sample().writeCsv(f);
    Table back = Table.readCsv(f);
    assertThat(back.columns()).isEqualTo(sample().columns());
    assertThat(back.rows()).isEqualTo(sample().rows());
    assertThat(back.get(0, "horizon")).isEqualTo(96L);
    assertThat(back.get(1, "mse")).isEqualTo(0.1); // the float's decimal, not 0.10000000149
    assertThat(back.get(3, "model")).isEqualTo("720"); // quoted, so text, not a number
    assertThat(back.get(0, "note")).isNull();
    assertThat(back.get(2, "note")).isEqualTo("");
  }

  @Test
  void readsCrlfBomAndBlankTrailingLines() {
    Table t = Table.parseCsv("\uFEFFa,b\r\n1,x\r\n2.5,\"y\r\nz\"\r\n\r\n", "in.csv");
    assertThat(t.rowCount()).isEqualTo(2);
    assertThat(t.doubles("a")).containsExactly(1.0, 2.5);
    assertThat(t.get(1, "b")).isEqualTo("y\r\nz");
  }

  @Test
  void parseErrorsNameTheSourceAndLine() {
    assertThatThrownBy(() -> Table.parseCsv("a,b\n1,2\n\"x\ny\",3\n4\n", "runs/r1/metrics.csv"))
        .hasMessage("runs/r1/metrics.csv:5: record has 1 fields, header has 2");
    assertThatThrownBy(() -> Table.parseCsv("a,b\n1,\"open\n", "f.csv"))
        .hasMessageContaining("f.csv:2: quoted field is never closed");
    assertThatThrownBy(() -> Table.parseCsv("a,b\n1,x\"y\n", "f.csv"))
        .hasMessageContaining("f.csv:2: quote inside an unquoted field");
    assertThatThrownBy(() -> Table.parseCsv("a,a\n", "f.csv"))
        .hasMessageContaining("f.csv:1: bad header").hasMessageContaining("'a' appears twice");
    assertThatThrownBy(() -> Table.parseCsv("", "empty.csv")).hasMessageContaining("empty.csv:1:");
  }

  @Test
  void readCsvErrorsNameTheFile() throws IOException {
    Path f = Files.writeString(dir.resolve("broken.csv"), "a,b\n1,2,3\n");
    assertThatThrownBy(() -> Table.readCsv(f)).hasMessage(f + ":2: record has 3 fields, header has 2");
  }

  @Test
  void markdownAlignsPipesAndRoundsToSignificantDigits() {
    Table t = Table.of("model", "L", "mse")
        .append("TSM2", 96, 0.375123)
        .append("PatchTST|v2", 720, 12.5)
        .append("tiny", 1, 1.5e-7);
    assertThat(t.toMarkdown(3)).isEqualTo(
        "| model        |   L |      mse |\n"
            + "| ------------ | --: | -------: |\n"
            + "| TSM2         |  96 |    0.375 |\n"
            + "| PatchTST\\|v2 | 720 |     12.5 |\n"
            + "| tiny         |   1 | 1.50e-07 |\n");
    assertThat(t.toMarkdown()).contains(" 0.3751 |").contains(" 1.500e-07 |");
    assertThatThrownBy(() -> t.toMarkdown(0)).hasMessageContaining("significantDigits");
  }

  @Test
  void appendByNameAndImmutability() {
    Table empty = Table.of("epoch", "train_loss", "val_mse");
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("val_mse", 0.5);
    row.put("epoch", 1);
    Table one = empty.append(row);
    assertThat(empty.rowCount()).isZero();
    assertThat(one.rows()).containsExactly(Arrays.asList(1L, null, 0.5));
    assertThat(one.doubles("train_loss")[0]).isNaN();
    assertThatThrownBy(() -> one.rows().get(0).set(0, 2L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> empty.append(Map.of("val_mae", 1.0))).hasMessageContaining("no column 'val_mae'");
    assertThatThrownBy(() -> empty.append(1, 2.0)).hasMessageContaining("has 2 cells, table has 3 columns");
    assertThatThrownBy(() -> empty.append(1, 2.0, List.of())).hasMessageContaining("column 'val_mse'");
    assertThatThrownBy(() -> Table.of("a", " ")).hasMessageContaining("non-blank");
  }

  @Test
  void doublesRejectText() {
    Table t = Table.of("a").append("x");
    assertThatThrownBy(() -> t.doubles("a")).hasMessageContaining("column 'a' row 1 holds text 'x'");
  }

  /** A run without validation writes "" where a score would be: no number, not a mistake. */
  @Test
  void emptyTextIsAnEmptyCell() {
    Table t = Table.of("a").append("").append(2);
    assertThat(t.doubles("a")[0]).isNaN();
    assertThat(Table.parseCsv(t.toCsv(), "t").doubles("a")[0]).isNaN();
    assertThat(t.doubles("a")[1]).isEqualTo(2.0);
  }

  @Test
  void oneColumnTablesKeepEmptyCellsAcrossARoundTrip() {
    Table t = Table.of("only").append((Object) null).append(3);
    Table back = Table.parseCsv(t.toCsv(), "t");
    assertThat(back.rows()).isEqualTo(t.rows());
  }
}
