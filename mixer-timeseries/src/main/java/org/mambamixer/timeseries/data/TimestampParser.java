package org.mambamixer.timeseries.data;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * Year-first timestamps as the benchmark files and spreadsheets write them: date separated by
 * {@code -} or {@code /} (one- or two-digit month, day and hour), optionally followed by a space
 * or {@code T} and {@code H:mm[:ss[.fraction]]}, optionally with a zone offset or {@code Z}, which
 * is ignored (the series are local wall-clock time). Day-first or month-first dates are ambiguous
 * and rejected.
 *
 * <p>Not thread-safe: it remembers which format matched last, because a file uses one format.
 */
final class TimestampParser {
  private static final List<DateTimeFormatter> FORMATS =
      List.of(format('-', ' '), format('-', 'T'), format('/', ' '), format('/', 'T'));

  private int last;

  /** The timestamp, or {@code null} when no supported format reads the whole text. */
  LocalDateTime parse(String text) {
    for (int k = 0; k < FORMATS.size(); k++) {
      int i = (last + k) % FORMATS.size();
      try {
        LocalDateTime t = FORMATS.get(i).parse(text, LocalDateTime::from);
        last = i;
        return t;
      } catch (DateTimeParseException e) {
        // try the next format
      }
    }
    return null;
  }

  private static DateTimeFormatter format(char dateSep, char timeSep) {
    return new DateTimeFormatterBuilder()
        .appendValue(ChronoField.YEAR, 4)
        .appendLiteral(dateSep)
        .appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, SignStyle.NOT_NEGATIVE)
        .appendLiteral(dateSep)
        .appendValue(ChronoField.DAY_OF_MONTH, 1, 2, SignStyle.NOT_NEGATIVE)
        .optionalStart()
        .appendLiteral(timeSep)
        .appendValue(ChronoField.HOUR_OF_DAY, 1, 2, SignStyle.NOT_NEGATIVE)
        .appendLiteral(':')
        .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
        .optionalStart()
        .appendLiteral(':')
        .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
        .optionalStart()
        .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
        .optionalEnd()
        .optionalEnd()
        .optionalStart()
        .appendOffset("+HH:MM", "Z")
        .optionalEnd()
        .optionalEnd()
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .toFormatter()
        .withResolverStyle(ResolverStyle.STRICT);
  }
}
