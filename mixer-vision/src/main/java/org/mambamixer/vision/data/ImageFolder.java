package org.mambamixer.vision.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mambamixer.runtime.data.CorruptDataException;
import org.mambamixer.runtime.data.ImageSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's own images in the ImageFolder layout: {@code root/<class>/<any name>.{jpg,jpeg,png}},
 * one folder per class, classes indexed in alphabetical order of the folder names. Images are
 * resized (bilinear) to a fixed size, or kept at their own when they all share it; files that
 * are not images (by extension) and loose files in the root are skipped, counted and logged.
 */
public final class ImageFolder {
  private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

  private ImageFolder() {}

  /**
   * @param size every image is resized to size x size; 0: kept at the first image's size, which
   *     every image must have
   * @param channels 1 (grey, BT.601 luma), 3 (RGB), or 0: grey when the first image is, else RGB
   * @throws CorruptDataException naming the file when an image does not decode
   */
  public static ImageSet read(Path root, int size, int channels) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + ": not a folder");
    }
    List<Path> classDirs;
    int skipped = 0;
    try (Stream<Path> s = Files.list(root)) {
      List<Path> all = s.sorted().toList();
      classDirs = all.stream().filter(Files::isDirectory).toList();
      for (Path p : all) {
        if (!Files.isDirectory(p)) {
          LOG.info("{}: skipping {} (not a class folder)", root, p.getFileName());
          skipped++;
        }
      }
    }
    if (classDirs.isEmpty()) {
      throw new IOException(root + ": no class folders");
    }
    List<String> classes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Path dir : classDirs) {
      classes.add(dir.getFileName().toString());
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : s.sorted().toList()) {
          if (Files.isRegularFile(f) && CifarJpegTar.isImageName(f.getFileName().toString())) {
            files.add(f);
            labels.add(classes.size() - 1);
          } else {
            LOG.info("{}: skipping {} (not an image file)", root, root.relativize(f));
            skipped++;
          }
        }
      }
    }
    if (files.isEmpty()) {
      throw new IOException(root + ": no images in its class folders");
    }
    BufferedImage first = ImageDecoding.decode(Files.readAllBytes(files.get(0)),
        files.get(0).toString());
    int h = size > 0 ? size : first.getHeight();
    int w = size > 0 ? size : first.getWidth();
    int c = channels > 0 ? channels : first.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
    int per = h * w * c;
    byte[] pixels = new byte[files.size() * per];
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      BufferedImage img = i == 0 ? first : ImageDecoding.decode(Files.readAllBytes(f),
          f.toString());
      if (size == 0 && (img.getHeight() != h || img.getWidth() != w)) {
        throw new IOException(f + " is " + img.getWidth() + " x " + img.getHeight() + ", "
            + files.get(0) + " " + w + " x " + h + ": images of different sizes need an image"
            + " size to be resized to");
      }
      ImageDecoding.write(ImageDecoding.resize(img, h, w), c, pixels, i * per);
    }
    if (skipped > 0) {
      LOG.warn("{}: skipped {} entries that are not images in class folders", root, skipped);
    }
    return new ImageSet(root.toString(), pixels,
        labels.stream().mapToInt(Integer::intValue).toArray(), h, w, c, classes,
        skipped);
  }
}
