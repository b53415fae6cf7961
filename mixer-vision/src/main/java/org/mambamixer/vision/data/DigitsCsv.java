package org.mambamixer.vision.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mambamixer.runtime.data.CorruptDataException;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Streams;

/**
 * scikit-learn's digits ({@code digits.csv.gz}): one 8 x 8 grey image per line, 64 values 0..16
 * row-major then the label 0..9, no header. Values are scaled to 0..255 (v * 255 / 16, rounded).
 * The file has no split; {@link #split} holds out a seeded fifth as the test set.
 */
public final class DigitsCsv {
  /** Images held out as the test split by {@link #split}: a fifth, the usual 80/20 hold-out. */
  public static final int TEST_SHARE = 5;

  /** The seed of that hold-out: fixed, so every run tests on the same images. */
  public static final long SPLIT_SEED = 1797;

  private DigitsCsv() {}

  /**
   * Reads every image of the file.
   *
   * @throws CorruptDataException naming the file and line of a malformed row
   */
  public static ImageSet read(Path file) throws IOException {
    List<byte[]> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(Streams.open(file), StandardCharsets.US_ASCII))) {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (cells.length != 65) {
          throw new CorruptDataException(file + ", line " + lineNo + ": " + cells.length
              + " values, expected 64 pixels and a label");
        }
        byte[] img = new byte[64];
        for (int k = 0; k < 65; k++) {
          int v;
          try {
            v = Integer.parseInt(cells[k].trim());
          } catch (NumberFormatException e) {
            throw new CorruptDataException(file + ", line " + lineNo + ", value " + (k + 1)
                + ": '" + cells[k] + "' is not an integer", e);
          }
          int max = k < 64 ? 16 : 9;
          if (v < 0 || v > max) {
            throw new CorruptDataException(file + ", line " + lineNo + ", value " + (k + 1)
                + ": " + v + " is outside 0.." + max);
          }
          if (k < 64) {
            img[k] = (byte) Math.round(v * 255f / 16);
          } else {
            labels.add(v);
          }
        }
        images.add(img);
      }
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new CorruptDataException(file + ": truncated or corrupt gzip stream (" + e + ")", e);
    }
    if (images.isEmpty()) {
      throw new CorruptDataException(file + ": no images");
    }
    byte[] pixels = new byte[images.size() * 64];
    int[] y = new int[images.size()];
    for (int i = 0; i < y.length; i++) {
      System.arraycopy(images.get(i), 0, pixels, i * 64, 64);
      y[i] = labels.get(i);
    }
    return new ImageSet(file.toString(), pixels, y, 8, 8, 1, IdxFiles.DIGITS, 0);
  }

  /** The file's train or test part: a seeded fifth of the images is the test set. */
  public static ImageSet split(Path file, boolean train) throws IOException {
    ImageSet all = read(file);
    Holdout h = Holdout.of(all, all.size() / TEST_SHARE, SPLIT_SEED);
    return train ? h.train() : h.val();
  }
}
