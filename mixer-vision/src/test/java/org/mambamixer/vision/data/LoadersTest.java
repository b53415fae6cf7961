package org.mambamixer.vision.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.runtime.data.CorruptDataException;
import org.mambamixer.runtime.data.ImageSet;

class LoadersTest {
  @TempDir Path dir;

  private Path cifarTar(String name, byte[] badJpeg) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      TestFiles.tarEntry(out, "test/", '5', new byte[0]);
      TestFiles.tarEntry(out, "test/dog/", '5', new byte[0]);
      TestFiles.tarEntry(out, "test/dog/0000.jpg", '0',
          TestFiles.encode(TestFiles.solid(4, 4, 0x2040c0), "jpg"));
      TestFiles.tarEntry(out, "test/cat/0000.jpg", '0',
          TestFiles.encode(TestFiles.solid(4, 4, 0xe0e0e0), "jpg"));
      TestFiles.tarEntry(out, "test/README.txt", '0', "notes".getBytes());
      TestFiles.tarEntry(out, "test/cat/0001.jpg", '0', badJpeg != null ? badJpeg
          : TestFiles.encode(TestFiles.solid(4, 4, 0x101010), "jpg"));
      TestFiles.tarEnd(out);
    }
    return file;
  }

  @Test
  void readsATarOfJpegs() throws IOException {
    ImageSet set = CifarJpegTar.read(cifarTar("ok.tar.gz", null));
    assertThat(set.classes()).containsExactly("cat", "dog");
    assertThat(set.labels()).containsExactly(1, 0, 0);
    assertThat(set.skipped()).isEqualTo(1); // README.txt
    assertThat(set.channels()).isEqualTo(3);
    assertThat(set.height()).isEqualTo(4);
    // JPEG is lossy; a flat colour survives to within a few levels.
    assertThat(set.pixel(0, 2, 1, 0)).isCloseTo(0x20, org.assertj.core.data.Offset.offset(6));
    assertThat(set.pixel(0, 2, 1, 2)).isCloseTo(0xc0, org.assertj.core.data.Offset.offset(6));
    assertThat(set.pixel(1, 3, 3, 1)).isCloseTo(0xe0, org.assertj.core.data.Offset.offset(6));
  }

  @Test
  void corruptJpegAndArchivesAreNamed() throws IOException {
    Path bad = cifarTar("bad.tar.gz", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
    assertThatThrownBy(() -> CifarJpegTar.read(bad)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(bad + "!test/cat/0001.jpg");
    byte[] whole = Files.readAllBytes(cifarTar("ok.tar.gz", null));
    Path cut = dir.resolve("cut.tar.gz");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> CifarJpegTar.read(cut)).isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(cut.toString());
    // A damaged header in an uncompressed tar.
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    TestFiles.tarEntry(raw, "test/cat/0000.jpg", '0',
        TestFiles.encode(TestFiles.solid(4, 4, 0), "jpg"));
    byte[] tar = raw.toByteArray();
    tar[3] ^= 1;
    Path flipped = dir.resolve("flipped.tar");
    Files.write(flipped, tar);
    assertThatThrownBy(() -> CifarJpegTar.read(flipped)).hasMessageContaining(flipped.toString())
        .hasMessageContaining("checksum");
  }

  @Test
  void readsAnImageFolderAndNamesACorruptFile() throws IOException {
    Files.createDirectories(dir.resolve("root/b_square"));
    Files.createDirectories(dir.resolve("root/a_plain"));
    ImageIO.write(TestFiles.solid(2, 2, 0x102030), "png", dir.resolve("root/a_plain/x.png")
        .toFile());
    java.awt.image.BufferedImage img = TestFiles.solid(2, 2, 0);
    img.setRGB(1, 0, 0xffffff);
    ImageIO.write(img, "png", dir.resolve("root/b_square/y.png").toFile());
    ImageIO.write(TestFiles.solid(6, 6, 0xffffff), "png", dir.resolve("root/b_square/z.png")
        .toFile());
    Files.writeString(dir.resolve("root/b_square/notes.txt"), "not an image");
    Files.writeString(dir.resolve("root/LICENSE"), "loose file");
    ImageSet set = ImageFolder.read(dir.resolve("root"), 2, 3);
    assertThat(set.classes()).containsExactly("a_plain", "b_square");
    assertThat(set.labels()).containsExactly(0, 1, 1);
    assertThat(set.skipped()).isEqualTo(2);
    assertThat(set.pixel(0, 1, 1, 2)).isEqualTo(0x30);
    assertThat(set.pixel(1, 0, 1, 0)).isEqualTo(255);
    assertThat(set.pixel(1, 0, 0, 0)).isEqualTo(0);
    assertThat(set.pixel(2, 1, 0, 1)).isEqualTo(255); // 6 x 6 resized to 2 x 2
    ImageSet grey = ImageFolder.read(dir.resolve("root"), 2, 1);
    assertThat(grey.pixel(0, 0, 0, 0)).isEqualTo(Math.round(0.299 * 16 + 0.587 * 32 + 0.114 * 48));

    Files.write(dir.resolve("root/a_plain/broken.jpg"), new byte[] {1, 2, 3, 4});
    assertThatThrownBy(() -> ImageFolder.read(dir.resolve("root"), 2, 3))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(dir.resolve("root/a_plain/broken.jpg").toString());
  }

  @Test
  void aTrainedRunReadsItsRecordedDataWhileItExistsElseTheUsualLookup() {
    String recorded = dir.toString();
    String gone = dir.resolve("moved-away").toString();
    assertThat(ImageSource.dataDir(null, recorded, k -> "/env")).isEqualTo(dir);
    assertThat(ImageSource.dataDir("/flag", recorded, k -> "/env")).isEqualTo(Path.of("/flag"));
    assertThat(ImageSource.dataDir(null, gone, k -> "/env")).isEqualTo(Path.of("/env", "images"));
    assertThat(ImageSource.dataDir(null, gone, k -> null))
        .isEqualTo(Path.of("..", "shared", "data", "images"));
  }
}
