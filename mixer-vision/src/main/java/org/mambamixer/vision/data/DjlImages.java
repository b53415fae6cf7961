package org.mambamixer.vision.data;

import ai.djl.modality.cv.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.mambamixer.runtime.data.ImageSet;

/**
 * A caller's DJL images as an {@link ImageSet}, read as {@link ImageFolder} reads files: resized
 * (bilinear) to the model's side and reduced to its channels (grey: BT.601 luma), so a raw image
 * reaches the model through the same bytes a dataset's image does.
 */
public final class DjlImages {
  private DjlImages() {}

  /**
   * @param size the side every image is resized to
   * @param channels 1 or 3
   * @param classes the model's class names; every image is labelled 0, the label being unknown
   */
  public static ImageSet of(List<Image> images, int size, int channels, List<String> classes)
      throws IOException {
    int per = size * size * channels;
    byte[] pixels = new byte[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      ImageDecoding.write(ImageDecoding.resize(buffered(images.get(i)), size, size), channels,
          pixels, i * per);
    }
    return new ImageSet("raw images", pixels, new int[images.size()], size, size, channels,
        classes, 0);
  }

  /**
   * DJL's default image factory wraps a {@link BufferedImage}; another (OpenCV's) is encoded as
   * PNG and decoded again, losslessly.
   */
  private static BufferedImage buffered(Image image) throws IOException {
    if (image.getWrappedImage() instanceof BufferedImage b) {
      return b;
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    image.save(png, "png");
    return ImageDecoding.decode(png.toByteArray(), "a " + image.getClass().getSimpleName());
  }
}
