package org.mambamixer.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesTextLinesAndBytesAndCreatesParents() throws IOException {
    Path text = dir.resolve("a/b/config.txt");
    AtomicFiles.writeString(text, "dModel=64\nü\n");
    assertThat(Files.readString(text, StandardCharsets.UTF_8)).isEqualTo("dModel=64\nü\n");

    Path lines = dir.resolve("lines.txt");
    AtomicFiles.writeLines(lines, List.of("x", "y"));
    assertThat(Files.readString(lines)).isEqualTo("x\ny\n");

    Path bytes = dir.resolve("raw.bin");
    AtomicFiles.writeBytes(bytes, new byte[] {1, 2, 3});
    assertThat(Files.readAllBytes(bytes)).containsExactly(1, 2, 3);
    AtomicFiles.writeBytes(bytes, new byte[] {9});
    assertThat(Files.readAllBytes(bytes)).containsExactly(9);
    assertThat(names(dir)).containsExactlyInAnyOrder("a", "lines.txt", "raw.bin");
  }

  @Test
  void aStreamingWriterMayCloseItsStream() throws IOException {
    Path f = dir.resolve("model.params");
    AtomicFiles.write(f, out -> {
      out.write("abc".getBytes(StandardCharsets.US_ASCII));
      out.close();
    });
    assertThat(Files.readString(f)).isEqualTo("abc");
  }

  @Test
  void aFailingWriterLeavesTheOldContentAndNoTempFile() throws IOException {
    Path f = dir.resolve("results.csv");
    AtomicFiles.writeString(f, "old\n");
    assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
      out.write(new byte[100_000]); // beyond the buffer: bytes really reached the temp file
      throw new IOException("disk on fire");
    })).isInstanceOf(IOException.class).hasMessage("disk on fire");
    assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
      throw new IllegalStateException("bug in writer");
    })).isInstanceOf(IllegalStateException.class);

    assertThat(Files.readString(f)).isEqualTo("old\n");
    assertThat(names(dir)).containsExactly("results.csv");
  }

  @Test
  void publishedFilesKeepDefaultPermissionsNotTempFileOnes() throws IOException {
    Path f = dir.resolve("plain.txt");
    AtomicFiles.writeString(f, "x");
    Path reference = Files.createFile(dir.resolve("reference.txt"));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
      assertThat(Files.getPosixFilePermissions(f)).isEqualTo(expected);
    }
  }

  @Test
  void writeDirectoryReplacesTheWholeFolder() throws IOException {
    Path ckpt = dir.resolve("checkpoint");
    AtomicFiles.writeDirectory(ckpt, tmp -> {
      Files.writeString(tmp.resolve("model-0001.params"), "v1");
      Files.writeString(tmp.resolve("stale.txt"), "only in v1");
    });
    AtomicFiles.writeDirectory(ckpt, tmp -> Files.writeString(tmp.resolve("model-0002.params"), "v2"));

    assertThat(names(ckpt)).containsExactly("model-0002.params");
    assertThat(Files.readString(ckpt.resolve("model-0002.params"))).isEqualTo("v2");
    assertThat(names(dir)).containsExactly("checkpoint"); // the old folder was deleted
  }

  @Test
  void aFailingDirectoryWriterLeavesTheOldFolderAndNoTempFolder() throws IOException {
    Path ckpt = dir.resolve("checkpoint");
    AtomicFiles.writeDirectory(ckpt, tmp -> Files.writeString(tmp.resolve("model.params"), "good"));
    assertThatThrownBy(() -> AtomicFiles.writeDirectory(ckpt, tmp -> {
      Files.createDirectories(tmp.resolve("nested"));
      Files.writeString(tmp.resolve("nested/model.params"), "half");
      throw new IOException("killed mid-save");
    })).hasMessage("killed mid-save");

    assertThat(names(dir)).containsExactly("checkpoint");
    assertThat(names(ckpt)).containsExactly("model.params");
    assertThat(Files.readString(ckpt.resolve("model.params"))).isEqualTo("good");
  }

  @Test
  void writeDirectoryRefusesToReplaceAFile() throws IOException {
    Path f = Files.writeString(dir.resolve("taken"), "a file");
    assertThatThrownBy(() -> AtomicFiles.writeDirectory(f, tmp -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("taken")
        .hasMessageContaining("found a file");
    assertThat(Files.readString(f)).isEqualTo("a file");
    assertThat(names(dir)).containsExactly("taken");
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
