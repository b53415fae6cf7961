package org.mambamixer.runtime.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writers of tiny IDX files for the reader tests. */
final class TestFiles {
  private TestFiles() {}

  static void idxImages(Path file, int n, int rows, int cols, byte[] pixels) throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(rows);
      out.writeInt(cols);
      out.write(pixels);
    }
  }

  static void idxLabels(Path file, byte[] labels) throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(0x801);
      out.writeInt(labels.length);
      out.write(labels);
    }
  }
}
