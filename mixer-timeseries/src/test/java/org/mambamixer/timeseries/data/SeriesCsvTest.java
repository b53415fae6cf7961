package org.mambamixer.timeseries.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeriesCsvTest {
  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2016-07-01 01:30:00|2016-07-01T01:30",
        "2016-07-01 01:30|2016-07-01T01:30",
        "2016/7/1 1:30|2016-07-01T01:30",
        "2016/07/01 01:30:00|2016-07-01T01:30",
        "2016-07-01|2016-07-01T00:00",
        "2016-07-01T01:30:00|2016-07-01T01:30",
        "2016-07-01T01:30|2016-07-01T01:30",
        "2016-07-01T01:30:15.250|2016-07-01T01:30:15.250",
        "2016-07-01T01:30:00Z|2016-07-01T01:30",
        "2016-07-01T01:30:00+02:00|2016-07-01T01:30",
      })
  void readsEachTimestampFormat(String stamp, String expected) throws IOException {
    Series s = SeriesCsv.read(write("f.csv", "date,a,b\n" + stamp + ",1.5,-2e-3\n"));
    assertThat(s.time()).containsExactly(LocalDateTime.parse(expected));
    assertThat(s.values()[0]).containsExactly(1.5f, -0.002f);
  }

  @Test
  void binaryInputIsNamedAsSuch(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
    Path bin = tmp.resolve("model.params");
    java.nio.file.Files.write(bin, new byte[] {'D', 'J', 'L', '@', 0, 0, 0, 4, 1, 2});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SeriesCsv.read(bin))
        .hasMessage(bin + " is binary data, not a CSV text file");
  }

  @Test
  void readsGzipByMagicBytesWhateverTheName() throws IOException {
    String csv = "date,HUFL,OT\n2016-07-01 00:00:00,1,2\n2016-07-01 01:00:00,3,4\n";
    for (String name : new String[] {"ETTh1.csv.gz", "disguised.csv"}) {
      Path f = dir.resolve(name);
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
        out.write(csv.getBytes(StandardCharsets.UTF_8));
      }
      Series s = SeriesCsv.read(f);
      assertThat(s.rows()).isEqualTo(2);
      assertThat(s.values()[1]).containsExactly(3f, 4f);
    }
    assertThat(SeriesCsv.read(dir.resolve("ETTh1.csv.gz")).name()).isEqualTo("ETTh1");
  }

  @Test
  void keepsHeaderVerbatimAndSeparatesTimestampColumn() throws IOException {
    String csv = "\uFEFFdate,SWDR (W/m\uFFFD),OT\n2020-01-01 00:10:00,0.0,428.1\n";
    Series s = SeriesCsv.read(write("weather.csv", csv));
    assertThat(s.name()).isEqualTo("weather");
    assertThat(s.timeColumn()).isEqualTo("date");
    assertThat(s.columns()).containsExactly("SWDR (W/m\uFFFD)", "OT");
    assertThat(s.columnIndex("OT")).isEqualTo(1);
  }

  @Test
  void undecodableBytesInHeaderBecomeReplacementCharacters() throws IOException {
    Path f = dir.resolve("latin1.csv");
    byte[] header = "date,PAR (\u00b5mol)\n2020-01-01,1\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(f, header);
    assertThat(SeriesCsv.read(f).columns()).containsExactly("PAR (\uFFFDmol)");
  }

  @Test
  void toleratesMissingTrailingNewlineCrlfAndTrailingBlankLines() throws IOException {
    String[] variants = {
      "date,a\n2020-01-01,1\n2020-01-02,2",
      "date,a\r\n2020-01-01,1\r\n2020-01-02,2\r\n",
      "date,a\n2020-01-01,1\n2020-01-02,2\n\n\n",
    };
    for (String v : variants) {
      Series s = SeriesCsv.read(write("v.csv", v));
      assertThat(s.rows()).as(v).isEqualTo(2);
      assertThat(s.values()[1][0]).isEqualTo(2f);
      assertThat(s.time()[1]).isEqualTo(LocalDateTime.parse("2020-01-02T00:00"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "non-numeric cell|date,a,b\\n2020-01-01,1,2\\n2020-01-02,1,x7|3|3|b is not a number: 'x7'",
        "NaN cell|date,a,b\\n2020-01-01,NaN,2|2|2|a is NaN",
        "empty cell|date,a,b\\n2020-01-01,1,|2|3|b is empty",
        "infinity word|date,a\\n2020-01-01,Infinity|2|2|a is not a number",
        "overflow|date,a\\n2020-01-01,1e99|2|2|outside the float range",
        "short row|date,a,b\\n2020-01-01,1,2\\n2020-01-02,1|3|3|has 2 fields but the header has 3",
        "long row|date,a,b\\n2020-01-01,1,2,3|2|4|the row has 4 fields but the header has 3",
        "bad timestamp|date,a\\n2020-01-01,1\\n01.02.2020,2|3|1|date is not a timestamp: '01.02.20",
        "impossible date|date,a\\n2020-02-30 00:00,2|2|1|not a timestamp",
        "inner blank line|date,a\\n2020-01-01,1\\n\\n2020-01-03,2|3|1|empty line inside the data",
        "empty file||1|1|empty file",
        "header only|date,a\\n|2|1|no data rows",
        "no variates|date\\n2020-01-01|1|2|no variate columns",
      })
  void malformedInputNamesFileLineAndColumn(
      String what, String content, int line, int column, String problem) throws IOException {
    Path f = write("bad.csv", content == null ? "" : content.replace("\\n", "\n"));
    assertThatThrownBy(() -> SeriesCsv.read(f))
        .as(what)
        .isInstanceOfSatisfying(CsvFormatException.class, e -> {
          assertThat(e.file()).isEqualTo(f);
          assertThat(e.line()).isEqualTo(line);
          assertThat(e.column()).isEqualTo(column);
        })
        .hasMessageStartingWith(f + ": line " + line + ", column " + column + ": ")
        .hasMessageContaining(problem);
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("nope.csv");
    assertThatThrownBy(() -> SeriesCsv.read(f))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(f.toString());
  }

  @Test
  void truncatedGzipIsNamed() throws IOException {
    Path f = dir.resolve("cut.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(("date,a\n" + "2020-01-01,1\n".repeat(2000)).getBytes(StandardCharsets.UTF_8));
    }
    byte[] all = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> SeriesCsv.read(f))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(CsvFormatException.class)
        .hasMessageContaining(f + ": cannot read");
  }
}
