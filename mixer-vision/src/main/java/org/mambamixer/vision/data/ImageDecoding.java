package org.mambamixer.vision.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.mambamixer.runtime.data.CorruptDataException;

/** Decoding encoded images (JPEG, PNG, ...) with javax.imageio into H x W x C bytes. */
final class ImageDecoding {
  private ImageDecoding() {}

  /**
   * Decodes {@code data}.
   *
   * @param what the file (or archive member) the bytes came from, for the message
   * @throws CorruptDataException naming {@code what} when the bytes do not decode
   */
  static BufferedImage decode(byte[] data, String what) throws IOException {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(data));
    } catch (IOException | RuntimeException e) {
      throw new CorruptDataException(what + ": cannot decode image (" + e.getMessage() + ")", e);
    }
    if (img == null) {
      throw new CorruptDataException(what + ": not a readable image (" + data.length + " bytes)");
    }
    return img;
  }

  /** Scales to {@code h x w} (bilinear) unless it already has that size. */
  static BufferedImage resize(BufferedImage img, int h, int w) {
    if (img.getHeight() == h && img.getWidth() == w) {
      return img;
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
        RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  /**
   * Writes the image's pixels as (H, W, C) bytes at {@code out[at..]}; C is 3 (RGB) or 1, the
   * ITU-R BT.601 luma of the RGB values.
   */
  static void write(BufferedImage img, int channels, byte[] out, int at) {
    int h = img.getHeight();
    int w = img.getWidth();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    int o = at;
    for (int p : rgb) {
      int r = (p >> 16) & 0xff;
      int g = (p >> 8) & 0xff;
      int b = p & 0xff;
      if (channels == 1) {
        out[o++] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      } else {
        out[o++] = (byte) r;
        out[o++] = (byte) g;
        out[o++] = (byte) b;
      }
    }
  }
}
