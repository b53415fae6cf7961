package org.mambamixer.runtime.zoo;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import org.mambamixer.api.inject.UnknownVariantException;
import org.mambamixer.runtime.report.AtomicFiles;
import org.mambamixer.runtime.train.Checkpoint;

/**
 * The published models on the class path, by name. A module publishes a model by shipping its
 * folder as resources under {@code mambamixer-zoo/NAME/} (a {@link ZooManifest} and the files it
 * lists) and the name as a line of {@code mambamixer-zoo/models.txt}; every jar (or class folder)
 * may ship one, and the names of all of them are the zoo. The models thus travel with the module
 * that can run them, reach a library user through the same dependency, and need no download.
 *
 * <p>{@link #folder} hands out a local folder, checked against the manifest: a class folder's
 * own, or for a jar a copy extracted once into {@code ~/.mambamixer/zoo} (DJL and the run-
 * directory readers take paths, not class-path resources). Every name on the command line of the
 * form {@code zoo:NAME} goes through {@link #resolve}.
 */
public final class PublishedModels {
  /** The resource folder that holds every published model's folder. */
  public static final String ROOT = "mambamixer-zoo";
  /** The file of the zoo folder that lists its names, one a line. */
  public static final String INDEX_FILE = "models.txt";
  /** The index each jar ships. */
  public static final String INDEX = ROOT + "/" + INDEX_FILE;
  /** How a published model is named wherever a run directory or checkpoint is accepted. */
  public static final String PREFIX = "zoo:";

  private final ClassLoader loader;

  private PublishedModels(ClassLoader loader) {
    this.loader = loader;
  }

  /**
   * The models visible to the current thread's context class loader (the application class path
   * unless a caller chose another, as a test does with a zoo of its own).
   */
  public static PublishedModels onClassPath() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return new PublishedModels(context != null ? context : PublishedModels.class.getClassLoader());
  }

  /** {@code given} itself, or for {@code zoo:NAME} the published model's checked folder. */
  public Path resolve(Path given) throws IOException {
    String s = given.toString();
    return s.startsWith(PREFIX) ? folder(s.substring(PREFIX.length())) : given;
  }

  /** Every published name, sorted. */
  public List<String> names() {
    TreeSet<String> names = new TreeSet<>();
    try {
      for (URL index : Collections.list(loader.getResources(INDEX))) {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
          r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
              .forEach(names::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the zoo index " + INDEX + ": " + e.getMessage(),
          e);
    }
    return new ArrayList<>(names);
  }

  /**
   * The manifest of {@code name}, read from the class path.
   *
   * @throws UnknownVariantException when nothing of that name is published (listing what is)
   */
  public ZooManifest manifest(String name) throws IOException {
    return ZooManifest.read(folderOf(name).resolve(ZooManifest.FILE));
  }

  /**
   * A local folder holding {@code name}'s files, each checked against its manifest.
   *
   * @throws UnknownVariantException when nothing of that name is published (listing what is)
   * @throws IOException naming the file that is missing or does not match its SHA-256
   */
  public Path folder(String name) throws IOException {
    Path dir = folderOf(name);
    ZooManifest.read(dir.resolve(ZooManifest.FILE)).verify(dir);
    return dir;
  }

  /** The folder of {@code name}: its class folder, or its extracted copy (unchecked). */
  private Path folderOf(String name) throws IOException {
    String base = ROOT + "/" + name + "/";
    URL manifest = names().contains(name) ? loader.getResource(base + ZooManifest.FILE) : null;
    if (manifest == null) {
      throw new UnknownVariantException("published model", name, names());
    }
    if (manifest.getProtocol().equals("file")) {
      try {
        return Path.of(manifest.toURI()).getParent();
      } catch (URISyntaxException e) {
        throw new IOException("zoo:" + name + ": unreadable location " + manifest, e);
      }
    }
    return extracted(name, base, manifest);
  }

  /**
   * The copy of a jar's model under {@code ~/.mambamixer/zoo/NAME-<manifest hash>}, extracted on
   * first use: a stable path, since a run started from a published model records where its
   * weights were (classify {@code --init-from}), and a new version of the model gets a folder of
   * its own.
   */
  private Path extracted(String name, String base, URL manifest) throws IOException {
    byte[] bytes;
    try (InputStream in = manifest.openStream()) {
      bytes = in.readAllBytes();
    }
    Path dir = Path.of(System.getProperty("user.home"), ".mambamixer", "zoo",
        name + "-" + Checkpoint.sha256(new ByteArrayInputStream(bytes)).substring(0, 12));
    if (Files.isRegularFile(dir.resolve(ZooManifest.FILE))) {
      return dir;
    }
    AtomicFiles.writeDirectory(dir, fresh -> {
      Files.write(fresh.resolve(ZooManifest.FILE), bytes);
      for (String file : ZooManifest.read(fresh.resolve(ZooManifest.FILE)).files().keySet()) {
        Path target = fresh.resolve(file).normalize();
        if (!target.startsWith(fresh)) {
          throw new IOException("zoo:" + name + ": its manifest lists " + file
              + ", which lies outside its folder");
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = loader.getResourceAsStream(base + file)) {
          if (in == null) {
            throw new IOException("zoo:" + name + ": " + file + " is missing from the class path");
          }
          Files.copy(in, target);
        }
      }
    });
    return dir;
  }
}
