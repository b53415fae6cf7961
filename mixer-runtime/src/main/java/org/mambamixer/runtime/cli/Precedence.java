package org.mambamixer.runtime.cli;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one rule by which every training command settles the settings of a run, its config.json:
 *
 * <ol>
 *   <li>{@code --resume}: the run's own config.json. A flag typed beside it that disagrees with it
 *       is a usage error naming the flag and the run's value (every such flag in one message),
 *       raised before anything is read or written; except a setting the run may change
 *       ({@link Setting#changeableOnResume}), which is laid over the run's own;
 *   <li>{@code --config FILE}: that file's settings, each typed flag over its own field (and
 *       recorded so in the new run's config.json);
 *   <li>otherwise the command's defaults, each typed flag over its own field.
 * </ol>
 *
 * Only typed flags count: a flag's default never overrides a recorded setting.
 */
public final class Precedence {
  private static final Gson GSON = new Gson();

  /** The command's settings for a run started without {@code --config}. */
  @FunctionalInterface
  public interface Defaults {
    JsonObject get() throws IOException;
  }

  private Precedence() {}

  /**
   * The settled config.json.
   *
   * @param resumed the config.json of the run being resumed; null when none is
   * @param config the config.json given by {@code --config}; null when none is
   * @param defaults the command's own settings (asked for only when neither is given)
   * @param settings every flag of the command that a config.json records
   */
  public static JsonObject settle(CommandSpec spec, JsonObject resumed, JsonObject config,
      Defaults defaults, List<Setting> settings) throws IOException {
    List<Setting> typed = new ArrayList<>();
    for (Setting s : settings) {
      if (s.hasValue() && ResumeConflicts.given(spec, s.flag())) {
        typed.add(s);
      }
    }
    if (resumed != null) {
      return overlay(resumed, changesOnResume(spec, resumed, typed));
    }
    return overlay(config != null ? config : defaults.get(), typed);
  }

  /** {@code base} (left unchanged) with every setting's fields laid over it. */
  public static JsonObject overlay(JsonObject base, List<Setting> settings) {
    JsonObject out = base.deepCopy();
    for (Setting s : settings) {
      for (Setting.Field f : s.fields()) {
        put(out, f.path(), f.value());
      }
    }
    return out;
  }

  /**
   * The typed settings that change the resumed run, each one it may change; a usage error naming
   * every other setting that disagrees with the run.
   */
  private static List<Setting> changesOnResume(CommandSpec spec, JsonObject resumed,
      List<Setting> typed) {
    List<Setting> changes = new ArrayList<>();
    ResumeConflicts bad = new ResumeConflicts(spec);
    for (Setting s : typed) {
      JsonObject mine = overlay(new JsonObject(), List.of(s));
      List<String> paths = !s.compared().isEmpty() ? s.compared()
          : s.fields().stream().map(Setting.Field::path).toList();
      List<String> theirs = new ArrayList<>();
      boolean agrees = true;
      for (String path : paths) {
        JsonElement stored = at(resumed, path);
        theirs.add(paths.size() > 1 ? path + " " + shown(stored, null) : shown(stored, s.raw()));
        agrees &= s.place()
            ? stored != null && ResumeConflicts.samePlace((Path) s.raw(),
                Path.of(stored.getAsString()))
            : same(at(mine, path), stored);
      }
      if (agrees) {
        continue;
      }
      String refusal = s.onResume() == null ? null : s.onResume().apply(resumed);
      if (s.onResume() != null && refusal == null) {
        changes.add(s);
      } else {
        bad.add(s.flag() + " " + s.raw() + " (the run has " + String.join(", ", theirs)
            + (refusal == null ? "" : "; " + refusal) + ")");
      }
    }
    bad.throwIfAny();
    return changes;
  }

  /** Equal JSON, numbers by value ({@code 1e-3} is {@code 0.001}). */
  static boolean same(JsonElement a, JsonElement b) {
    if (a == null || b == null || a.isJsonNull() || b.isJsonNull()) {
      return (a == null || a.isJsonNull()) && (b == null || b.isJsonNull());
    }
    if (a.isJsonArray() && b.isJsonArray()) {
      JsonArray x = a.getAsJsonArray();
      JsonArray y = b.getAsJsonArray();
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!same(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isJsonPrimitive() && b.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()
        && b.getAsJsonPrimitive().isNumber()) {
      return new BigDecimal(a.getAsString()).compareTo(new BigDecimal(b.getAsString())) == 0;
    }
    return a.equals(b);
  }

  /**
   * A recorded value as the flag's own type prints it ("epoch", "5.0E-4", "[32, 64]"), or as
   * config.json holds it where {@code raw} is null.
   */
  private static String shown(JsonElement stored, Object raw) {
    if (stored == null || stored.isJsonNull()) {
      return "none";
    }
    if (stored.isJsonArray()) {
      List<String> items = new ArrayList<>();
      stored.getAsJsonArray().forEach(e -> items.add(e.getAsString()));
      return "[" + String.join(", ", items) + "]";
    }
    if (stored.isJsonPrimitive() && (raw instanceof Number || raw instanceof Boolean
        || raw instanceof Enum<?>)) {
      try {
        return String.valueOf(GSON.fromJson(stored, raw.getClass()));
      } catch (RuntimeException e) {
        return stored.getAsString();
      }
    }
    return stored.isJsonPrimitive() ? stored.getAsString() : stored.toString();
  }

  /** The element at a dotted path, or null. */
  static JsonElement at(JsonObject o, String path) {
    JsonElement e = o;
    for (String key : path.split("\\.")) {
      if (e == null || !e.isJsonObject()) {
        return null;
      }
      e = e.getAsJsonObject().get(key);
    }
    return e;
  }

  private static void put(JsonObject o, String path, JsonElement value) {
    String[] keys = path.split("\\.");
    JsonObject at = o;
    for (int i = 0; i < keys.length - 1; i++) {
      if (!at.has(keys[i]) || !at.get(keys[i]).isJsonObject()) {
        at.add(keys[i], new JsonObject());
      }
      at = at.getAsJsonObject(keys[i]);
    }
    at.add(keys[keys.length - 1], value);
  }
}
