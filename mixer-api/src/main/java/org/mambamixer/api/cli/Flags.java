package org.mambamixer.api.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed {@code --name value}, {@code --name=value} and boolean {@code --name} flags, checked
 * against a {@link Spec}: unknown flags, missing values and malformed numbers are reported with
 * the flag's name.
 */
public final class Flags {
  private final Spec spec;
  private final Map<String, String> values;

  private Flags(Spec spec, Map<String, String> values) {
    this.spec = spec;
    this.values = values;
  }

  /** The flags a command accepts. */
  public static final class Spec {
    private final Map<String, Flag> flags = new LinkedHashMap<>();

    record Flag(String name, String meta, String help, String defaultValue, boolean bool) {}

    /** A flag with a value; {@code defaultValue} null means optional with no default. */
    public Spec option(String name, String meta, String defaultValue, String help) {
      flags.put(name, new Flag(name, meta, help, defaultValue, false));
      return this;
    }

    /** A boolean switch, false unless given. */
    public Spec flag(String name, String help) {
      flags.put(name, new Flag(name, null, help, null, true));
      return this;
    }

    /** Usage lines, one per flag. */
    public String usage() {
      StringBuilder sb = new StringBuilder();
      for (Flag f : flags.values()) {
        String left = "  --" + f.name + (f.bool ? "" : " " + f.meta);
        sb.append(String.format(Locale.ROOT, "%-30s %s", left, f.help));
        if (f.defaultValue != null) {
          sb.append(" (default ").append(f.defaultValue).append(')');
        }
        sb.append('\n');
      }
      return sb.toString();
    }

    /** Parses {@code args}. */
    public Flags parse(List<String> args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (!a.startsWith("--") || a.length() == 2) {
          throw new UsageException("unexpected argument '" + a + "' (flags look like --name value)");
        }
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        Flag f = flags.get(name);
        if (f == null) {
          throw new UsageException("unknown flag --" + name + "; known flags: "
              + String.join(", ", flags.keySet().stream().map(k -> "--" + k).toList()));
        }
        if (f.bool) {
          if (value != null && !value.equals("true") && !value.equals("false")) {
            throw new UsageException("--" + name + " is a switch: give it alone or =true/=false");
          }
          values.put(name, value == null ? "true" : value);
          continue;
        }
        if (value == null) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageException("--" + name + " needs a value (" + f.meta + ")");
          }
          value = args.get(++i);
        }
        values.put(name, value);
      }
      return new Flags(this, values);
    }
  }

  private Spec.Flag flag(String name) {
    Spec.Flag f = spec.flags.get(name);
    if (f == null) {
      throw new IllegalArgumentException("flag --" + name + " is not declared by this command");
    }
    return f;
  }

  /** Whether the user gave the flag. */
  public boolean has(String name) {
    flag(name);
    return values.containsKey(name);
  }

  /** The value given, else the default, else null. */
  public String string(String name) {
    Spec.Flag f = flag(name);
    return values.getOrDefault(name, f.defaultValue);
  }

  /** The value, failing with a usage error when absent. */
  public String required(String name) {
    String v = string(name);
    if (v == null) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  public int integer(String name) {
    String v = required(name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  public int positiveInt(String name) {
    int v = integer(name);
    if (v <= 0) {
      throw new UsageException("--" + name + " must be positive, got " + v);
    }
    return v;
  }

  public float number(String name) {
    String v = required(name);
    try {
      float f = Float.parseFloat(v);
      if (!Float.isFinite(f)) {
        throw new NumberFormatException();
      }
      return f;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a finite number, got '" + v + "'");
    }
  }

  public boolean bool(String name) {
    return Boolean.parseBoolean(values.getOrDefault(name, "false"));
  }

  public Path path(String name) {
    String v = string(name);
    return v == null ? null : Path.of(v);
  }

  /** A comma-separated list of positive integers, e.g. {@code 96,192,336,720}. */
  public List<Integer> intList(String name) {
    List<Integer> out = new ArrayList<>();
    for (String part : required(name).split(",")) {
      try {
        int v = Integer.parseInt(part.trim());
        if (v <= 0) {
          throw new NumberFormatException();
        }
        out.add(v);
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a comma-separated list of positive"
            + " integers, got '" + required(name) + "'");
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** One of {@code choices} (case-insensitive), returned in lower case. */
  public String choice(String name, String... choices) {
    String v = required(name).toLowerCase(Locale.ROOT);
    for (String c : choices) {
      if (c.equals(v)) {
        return v;
      }
    }
    throw new UsageException("--" + name + " must be one of " + String.join(", ", choices)
        + ", got '" + required(name) + "'");
  }
}
