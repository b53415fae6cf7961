package org.mambamixer.runtime.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * MNIST-style IDX files (gzip or plain): images with magic 0x00000803 followed by count, rows,
 * columns and uint8 pixels row-major; labels with magic 0x00000801, count and uint8 labels.
 */
public final class IdxFiles {
  private static final int IMAGES = 0x00000803;
  private static final int LABELS = 0x00000801;

  /** The Fashion-MNIST class names, in label order. */
  public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** The digit classes 0..9 of MNIST. */
  public static final List<String> DIGITS =
      IntStream.range(0, 10).mapToObj(Integer::toString).toList();

  private IdxFiles() {}

  /**
   * Reads an image file and its label file.
   *
   * @throws CorruptDataException naming the file when a magic number, a size or a label is wrong
   *     or a file ends early
   */
  public static ImageSet read(Path images, Path labels, List<String> classes) throws IOException {
    int rows;
    int cols;
    byte[] pixels;
    try (DataInputStream in = new DataInputStream(Streams.open(images))) {
      int magic = in.readInt();
      if (magic != IMAGES) {
        throw new CorruptDataException(images + ": not an IDX image file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x803)");
      }
      int n = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      if (n < 0 || rows <= 0 || cols <= 0 || (long) n * rows * cols > Integer.MAX_VALUE) {
        throw new CorruptDataException(images + ": implausible IDX sizes " + n + " x " + rows
            + " x " + cols);
      }
      pixels = new byte[n * rows * cols];
      in.readFully(pixels);
      requireEnd(in, images);
    } catch (EOFException | java.util.zip.ZipException e) {
      throw new CorruptDataException(images + ": truncated or corrupt IDX file (" + e + ")", e);
    }
    int[] y;
    try (DataInputStream in = new DataInputStream(Streams.open(labels))) {
      int magic = in.readInt();
      if (magic != LABELS) {
        throw new CorruptDataException(labels + ": not an IDX label file (magic 0x"
            + Integer.toHexString(magic) + ", expected 0x801)");
      }
      int n = in.readInt();
      if (n * rows * cols != pixels.length) {
        throw new CorruptDataException(labels + " holds " + n + " labels but " + images + " holds "
            + pixels.length / (rows * cols) + " images");
      }
      byte[] raw = new byte[n];
      in.readFully(raw);
      requireEnd(in, labels);
      y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = raw[i] & 0xff;
        if (y[i] >= classes.size()) {
          throw new CorruptDataException(labels + ": label " + y[i] + " of image " + i
              + " is outside 0.." + (classes.size() - 1));
        }
      }
    } catch (EOFException | java.util.zip.ZipException e) {
      throw new CorruptDataException(labels + ": truncated or corrupt IDX file (" + e + ")", e);
    }
    return new ImageSet(images.toString(), pixels, y, rows, cols, 1, classes, 0);
  }

  /**
   * The split {@code train} or {@code t10k} of an MNIST-layout folder:
   * {@code <split>-images-idx3-ubyte.gz} and {@code <split>-labels-idx1-ubyte.gz}.
   */
  public static ImageSet readSplit(Path dir, String split, List<String> classes)
      throws IOException {
    return read(dir.resolve(split + "-images-idx3-ubyte.gz"),
        dir.resolve(split + "-labels-idx1-ubyte.gz"), classes);
  }

  private static void requireEnd(InputStream in, Path file) throws IOException {
    if (in.read() != -1) {
      throw new CorruptDataException(file + ": unexpected bytes after the IDX data");
    }
  }
}
