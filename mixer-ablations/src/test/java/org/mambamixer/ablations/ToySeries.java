package org.mambamixer.ablations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;

/** The hourly toy series the command tests train on, in the ETT CSV layout. */
public final class ToySeries {
  private static final LocalDateTime START = LocalDateTime.of(2021, 3, 1, 0, 0);
  private ToySeries() {}

  /**
   * {@code rows} hourly rows from 2021/3/1 0:00: a date column, x = sin(t / 5), with two or more
   * variates y = cos(t / 9), and from the third on v_j = sin(t / (5 + 2 j)), for a series as wide
   * as a dataset's preset.
   */
  public static Path write(Path file, int rows, int variates) throws IOException {
    if (variates < 1) {
      throw new IllegalArgumentException("at least one variate, got " + variates);
    }
    StringBuilder sb = new StringBuilder(variates == 1 ? "date,x" : "date,x,y");
    for (int j = 2; j < variates; j++) {
      sb.append(",v").append(j);
    }
    sb.append('\n');
    for (int t = 0; t < rows; t++) {
      LocalDateTime at = START.plusHours(t);
      sb.append(String.format(Locale.ROOT, "%d/%d/%d %d:00,%.3f", at.getYear(),
          at.getMonthValue(), at.getDayOfMonth(), at.getHour(), Math.sin(t / 5.0)));
      if (variates >= 2) {
        sb.append(String.format(Locale.ROOT, ",%.3f", Math.cos(t / 9.0)));
      }
      for (int j = 2; j < variates; j++) {
        sb.append(String.format(Locale.ROOT, ",%.3f", Math.sin(t / (5.0 + 2 * j))));
      }
      sb.append('\n');
    }
    Files.writeString(file, sb);
    return file;
  }
}
