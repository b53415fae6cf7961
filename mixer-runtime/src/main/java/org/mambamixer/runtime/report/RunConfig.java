package org.mambamixer.runtime.report;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What every run's {@code config.json} shares, whatever the command: the provenance written after
 * the command's own settings, and the checked read of the file back.
 */
public final class RunConfig {
  private static final Gson GSON = new Gson();

  private RunConfig() {}

  /**
   * Adds the command line, the git commit (the launcher exports {@code MAMBAMIXER_COMMIT}) and the
   * Java version to {@code config}, and returns it.
   */
  public static JsonObject withProvenance(JsonObject config, String commandLine) {
    config.addProperty("command", commandLine);
    config.addProperty("commit", commit());
    config.addProperty("java", System.getProperty("java.version"));
    return config;
  }

  /** The git commit of this build, as the launcher exports it ({@code unknown} without it). */
  public static String commit() {
    return Objects.requireNonNullElse(System.getenv("MAMBAMIXER_COMMIT"), "unknown");
  }

  /**
   * The JSON object in {@code configJson}, which must hold every {@code required} key; errors
   * name the file and, for a missing key, the command whose config it should be.
   */
  public static JsonObject read(Path configJson, String command, String... required)
      throws IOException {
    JsonObject o;
    try {
      o = GSON.fromJson(Files.readString(configJson), JsonObject.class);
    } catch (RuntimeException e) {
      throw new IOException(configJson + " is not a readable run config: " + e.getMessage(), e);
    }
    for (String key : required) {
      if (o == null || !o.has(key)) {
        throw new IOException(configJson + " is not a run config of ./mambamixer " + command
            + " (needs " + String.join(", ", required) + ")");
      }
    }
    return o;
  }

  /** The string under {@code key}, or {@code fallback} for configs written before it existed. */
  public static String string(JsonObject o, String key, String fallback) {
    return o.has(key) ? o.get(key).getAsString() : fallback;
  }

  /**
   * Checks that {@code o} holds every {@code key}.
   *
   * @throws IllegalArgumentException naming the first missing key
   */
  public static void require(JsonObject o, String... keys) {
    for (String key : keys) {
      if (!o.has(key)) {
        throw new IllegalArgumentException("it has no '" + key + "'");
      }
    }
  }

  /**
   * Why a config could not be turned into settings: the innermost cause's message, so a record's
   * own check ("epochs must be positive, got 0") is shown instead of the JSON reader's wrapper.
   */
  public static String reason(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
