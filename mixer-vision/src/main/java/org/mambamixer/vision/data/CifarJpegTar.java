package org.mambamixer.vision.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.mambamixer.runtime.data.CorruptDataException;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Streams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CIFAR-10 JPEG tarballs of {@code shared/data/images/cifar10-jpeg}: members
 * {@code <split>/<class>/NNNN.jpg}, classes indexed in alphabetical order (the standard CIFAR-10
 * order). Folders are structure, not data; any other member that is not an image is skipped,
 * counted and logged.
 */
public final class CifarJpegTar {
  private static final Logger LOG = LoggerFactory.getLogger(CifarJpegTar.class);

  private CifarJpegTar() {}

  /**
   * Reads every image of a (gzipped) tar archive.
   *
   * @throws CorruptDataException naming the archive (and member) for a damaged archive, an image
   *     that does not decode, or images of different sizes
   */
  public static ImageSet read(Path archive) throws IOException {
    List<String> names = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    int skipped = 0;
    try (InputStream in = Streams.open(archive)) {
      TarEntries tar = new TarEntries(in, archive.toString());
      for (TarEntries.Entry e = tar.next(); e != null; e = tar.next()) {
        if (e.type() == '5') {
          continue;
        }
        String[] parts = e.name().split("/");
        if (!e.isFile() || parts.length < 2 || !isImageName(e.name())) {
          LOG.info("{}: skipping {} (not an image under <split>/<class>/)", archive, e.name());
          skipped++;
          continue;
        }
        names.add(e.name());
        encoded.add(e.content());
      }
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new CorruptDataException(archive + ": corrupt gzip stream (" + e.getMessage() + ")", e);
    }
    if (names.isEmpty()) {
      throw new CorruptDataException(archive + ": no images found (" + skipped + " other members)");
    }
    TreeSet<String> classSet = new TreeSet<>();
    for (String n : names) {
      classSet.add(classOf(n));
    }
    List<String> classes = List.copyOf(classSet);
    ImageSet set = decodeAll(archive.toString(), names, encoded, classes, skipped);
    if (skipped > 0) {
      LOG.warn("{}: skipped {} members that are not images", archive, skipped);
    }
    return set;
  }

  static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  private static String classOf(String member) {
    String[] parts = member.split("/");
    return parts[parts.length - 2];
  }

  private static ImageSet decodeAll(String source, List<String> names, List<byte[]> encoded,
      List<String> classes, int skipped) throws IOException {
    int n = names.size();
    BufferedImage first = ImageDecoding.decode(encoded.get(0), source + "!" + names.get(0));
    int h = first.getHeight();
    int w = first.getWidth();
    byte[] pixels = new byte[n * h * w * 3];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      String what = source + "!" + names.get(i);
      BufferedImage img = i == 0 ? first : ImageDecoding.decode(encoded.get(i), what);
      if (img.getHeight() != h || img.getWidth() != w) {
        throw new CorruptDataException(what + ": image is " + img.getHeight() + " x "
            + img.getWidth() + ", the archive's first image " + h + " x " + w);
      }
      ImageDecoding.write(img, 3, pixels, i * h * w * 3);
      labels[i] = classes.indexOf(classOf(names.get(i)));
      encoded.set(i, null); // let the encoded bytes go as we decode
    }
    return new ImageSet(source, pixels, labels, h, w, 3, classes, skipped);
  }
}
