package org.mambamixer.timeseries.data;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Finds a benchmark CSV by dataset name, or accepts a path to one.
 *
 * <p>The data directory is the first of: the explicit flag value, the environment variable
 * {@value #ENV}, {@code ~/.mambamixer/data}. Inside it (and inside its {@code forecasting/}
 * subfolder, the layout of the shared data bundle) a dataset is looked up as
 * {@code <folder>/<name>.csv}, {@code <folder>/<name>.csv.gz}, {@code <name>.csv} and
 * {@code <name>.csv.gz}, where the folder is {@code ETT-small} for ETT and the dataset name for
 * the others.
 *
 * @param dataDir the data directory searched
 * @param source where {@code dataDir} came from, for messages
 */
public record DataLocator(Path dataDir, String source) {
  /** The environment variable naming the data directory. */
  public static final String ENV = "MAMBAMIXER_DATA";

  private static final String ETT_HOME =
      "https://github.com/zhouhaoyi/ETDataset (folder ETT-small)";
  private static final String BUNDLE_HOME =
      "the Autoformer / Time-Series-Library data bundle (linked from the READMEs of"
          + " https://github.com/thuml/Autoformer and"
          + " https://github.com/thuml/Time-Series-Library)";

  /** Canonical name to its folder inside the data directory. */
  private static final Map<String, String> KNOWN =
      Map.of(
          "ETTh1", "ETT-small", "ETTh2", "ETT-small", "ETTm1", "ETT-small", "ETTm2", "ETT-small",
          "weather", "weather", "electricity", "electricity", "traffic", "traffic",
          "exchange_rate", "exchange_rate");

  /** The locator for this process: {@code flag} (may be null or blank), then the environment. */
  public static DataLocator fromEnvironment(String flag) {
    return choose(flag, System::getenv, Path.of(System.getProperty("user.home")));
  }

  static DataLocator choose(String flag, UnaryOperator<String> env, Path home) {
    if (flag != null && !flag.isBlank()) {
      return new DataLocator(Path.of(flag), "the data-directory flag");
    }
    String fromEnv = env.apply(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new DataLocator(Path.of(fromEnv), "$" + ENV);
    }
    return new DataLocator(home.resolve(".mambamixer").resolve("data"), "the default");
  }

  /**
   * The CSV for {@code nameOrPath}: an existing file as is, otherwise a known dataset name
   * (case-insensitive) looked up in the data directory.
   *
   * @throws FileNotFoundException listing every path tried and where to download the dataset
   */
  public Path locate(String nameOrPath) throws FileNotFoundException {
    Path direct = Path.of(nameOrPath);
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    String name = canonical(nameOrPath);
    if (name == null) {
      throw new FileNotFoundException(
          "'" + nameOrPath + "' is neither an existing file nor a known dataset name "
              + KNOWN.keySet().stream().sorted().toList());
    }
    List<Path> tried = new ArrayList<>();
    for (Path dir : List.of(dataDir, dataDir.resolve("forecasting"))) {
      for (Path folder : List.of(dir.resolve(KNOWN.get(name)), dir)) {
        for (String file : List.of(name + ".csv", name + ".csv.gz")) {
          Path candidate = folder.resolve(file);
          if (Files.isRegularFile(candidate)) {
            return candidate;
          }
          tried.add(candidate);
        }
      }
    }
    StringBuilder msg = new StringBuilder("dataset ").append(name).append(" not found in ")
        .append(dataDir).append(" (data directory from ").append(source)
        .append("; set it with the data-directory flag or $").append(ENV).append("). Looked at:");
    tried.forEach(p -> msg.append("\n  ").append(p));
    msg.append("\nDownload it from ").append(name.startsWith("ETT") ? ETT_HOME : BUNDLE_HOME)
        .append(" and place it at one of these paths.");
    throw new FileNotFoundException(msg.toString());
  }

  private static String canonical(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return KNOWN.keySet().stream().filter(k -> k.toLowerCase(Locale.ROOT).equals(n)).findFirst()
        .orElse(null);
  }
}
