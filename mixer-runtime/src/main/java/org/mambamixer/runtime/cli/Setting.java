package org.mambamixer.runtime.cli;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A command-line flag as a run records it: the field of config.json its value goes to (a dotted
 * path such as {@code train.epochs}), in config.json's own form. {@link Precedence} lays typed
 * flags over a recorded config and checks them against a resumed one.
 *
 * @param flag the flag, e.g. {@code --epochs}
 * @param raw the value as parsed (shown in messages); null when the flag has none
 * @param fields where the value goes, and what goes there
 * @param place whether the value is a file or folder (compared by what it points to)
 * @param compared the fields a resumed run must agree on (all of {@code fields} when empty)
 * @param onResume for a setting a resumed run may change: given the run's config.json, why this
 *     run may not (null: it may); null for a setting no resumed run may change
 */
public record Setting(String flag, Object raw, List<Field> fields, boolean place,
    List<String> compared, Function<JsonObject, String> onResume) {
  private static final Gson GSON = new Gson();

  /** One field of config.json and its value. */
  public record Field(String path, JsonElement value) {}

  /** {@code flag}'s {@code value} at {@code path}. */
  public static Setting of(String flag, String path, Object value) {
    return new Setting(flag, value, value == null ? List.of()
        : List.of(new Field(path, GSON.toJsonTree(value))), false, List.of(), null);
  }

  /** A file or folder: recorded absolute and normalised, compared by what it points to. */
  public static Setting place(String flag, String path, Path value) {
    return new Setting(flag, value, value == null ? List.of()
        : List.of(new Field(path, new JsonPrimitive(ResumeConflicts.place(value)))), true,
        List.of(), null);
  }

  /** The same flag also setting {@code path}, e.g. a floor derived from a rate. */
  public Setting and(String path, Object value) {
    if (raw == null) {
      return this;
    }
    List<Field> more = new ArrayList<>(fields);
    more.add(new Field(path, GSON.toJsonTree(value)));
    return new Setting(flag, raw, List.copyOf(more), place, compared, onResume);
  }

  /** A resumed run must agree on these fields only (a budget that sets several). */
  public Setting comparing(String... paths) {
    return new Setting(flag, raw, fields, place, List.of(paths), onResume);
  }

  /**
   * A setting that a resumed run may change where {@code refusal}, given the run's config.json,
   * gives no reason against it (returns null), and is then recorded over the run's own.
   */
  public Setting changeableOnResume(Function<JsonObject, String> refusal) {
    return new Setting(flag, raw, fields, place, compared, refusal);
  }

  /** Whether the flag has a value. */
  boolean hasValue() {
    return raw != null;
  }
}
