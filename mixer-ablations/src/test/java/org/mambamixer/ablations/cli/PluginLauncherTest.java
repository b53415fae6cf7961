package org.mambamixer.ablations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.ablations.ToySeries;

/**
 * The launcher script with {@code MAMBAMIXER_PLUGINS}: a jar (or a class folder) holding a Guice
 * module and its services file, kept out of the project's own class path, adds its variant to
 * {@code ./mambamixer variants} and is selected by name in a training run. The script runs as
 * shipped, in a copy of the repository's layout whose module jar points at this build's main
 * classes (never the test classes, where the same module is registered for {@link MainTest}).
 */
class PluginLauncherTest {
  private static final String MODULE = TestOnlyModule.class.getName();

  @TempDir static Path tmp;
  private static Path repo;
  private static Path pluginJar;

  @BeforeAll
  static void layout() throws IOException {
    repo = Files.createDirectories(tmp.resolve("repo"));
    Path launcher = repo.resolve("mambamixer");
    Files.copy(Path.of("..", "mambamixer"), launcher);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path target = Files.createDirectories(repo.resolve("mixer-ablations/target/lib"))
        .getParent();
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.endsWith("test-classes") && !e.endsWith("-tests.jar")) {
        entries.add(Path.of(e).toUri().toString());
      }
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", entries));
    try (OutputStream o = Files.newOutputStream(
        target.resolve("mixer-ablations-0.1.0-SNAPSHOT.jar"))) {
      new JarOutputStream(o, m).close();
    }
    pluginJar = tmp.resolve("plugins/reversed.jar");
    Files.createDirectories(pluginJar.getParent());
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(pluginJar))) {
      for (Class<?> c : List.of(TestOnlyModule.class, TestOnlyModule.Reversed.class,
          TestOnlyModule.Hello.class)) {
        String name = c.getName().replace('.', '/') + ".class";
        jar.putNextEntry(new JarEntry(name));
        try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(jar);
        }
      }
      jar.putNextEntry(new JarEntry("META-INF/services/com.google.inject.Module"));
      jar.write((MODULE + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private record Result(int code, String output) {}

  private static Result launch(String plugins, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("mambamixer").toString()));
    cmd.addAll(Arrays.asList(args));
    Path log = Files.createTempFile(tmp, "launch", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("MAMBAMIXER_HEAP", "1g");
    pb.environment().remove("MAMBAMIXER_PLUGINS");
    if (plugins != null) {
      pb.environment().put("MAMBAMIXER_PLUGINS", plugins);
    }
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished").isTrue();
    return new Result(p.exitValue(), Files.readString(log));
  }

  @Test
  void aPluginJarAddsItsVariantToTheListing() throws Exception {
    Result without = launch(null, "variants");
    assertThat(without.code()).as(without.output()).isZero();
    assertThat(without.output()).contains("selective").doesNotContain("test-reversed");

    // An empty entry and a second, unrelated entry are fine beside the plugin.
    Result with = launch("::" + pluginJar + ":" + tmp.resolve("plugins"), "variants");
    assertThat(with.code()).as(with.output()).isZero();
    assertThat(with.output())
        .containsPattern("(?m)^  test-reversed +test-only: the selective token mixer");
  }

  @Test
  void aPluginFolderVariantTrainsWhenSelectedByName() throws Exception {
    // The same plugin unpacked: a class folder works as the jar does.
    Path folder = Files.createDirectories(tmp.resolve("plugins/reversed-classes"));
    try (var fs = java.nio.file.FileSystems.newFileSystem(pluginJar)) {
      try (var files = Files.walk(fs.getPath("/"))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path to = folder.resolve(f.toString().substring(1));
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
    }
    Path csv = ToySeries.write(tmp.resolve("toy.csv"), 120, 2);
    Path run = tmp.resolve("run");
    Result r = launch(folder.toString(), "forecast", "--data", csv.toString(), "--lookback",
        "16", "--horizon", "4", "--epochs", "1", "--max-batches", "1", "--d-model", "8",
        "--layers", "1", "--d-state", "4", "--scan", "cpu", "--token-mixer", "test-reversed",
        "--run-dir", run.toString());
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(Files.readString(run.resolve("H4/config.json")))
        .contains("\"tokenMixer\": \"test-reversed\"");
  }

  @Test
  void aMissingPluginIsOneLineAndAUsageError() throws Exception {
    Path missing = tmp.resolve("plugins/no-such.jar");
    Result r = launch(pluginJar + ":" + missing, "variants");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.output().strip())
        .isEqualTo("mambamixer: MAMBAMIXER_PLUGINS names " + missing + ", which does not exist");
  }
}
