package org.mambamixer.vision.train;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.util.List;
import org.mambamixer.runtime.data.Normalization;
import org.mambamixer.vision.data.DjlImages;
import org.mambamixer.vision.data.ImageDataset;
import org.mambamixer.vision.model.Vim2Config;

/**
 * A raw image in, its class probabilities out. The image becomes the bytes a dataset's image is
 * ({@link DjlImages}) and then the tensor {@code evaluate-classifier} feeds the model ({@link
 * ImageDataset#evaluation}: normalised, not augmented), so a predictor and an evaluation of the
 * same image agree.
 */
public final class ImageClassifierTranslator implements Translator<Image, Classifications> {
  private final Vim2Config model;
  private final Normalization norm;
  private final List<String> classes;

  /**
   * @param norm what the model trained with, its dataset's
   * @param classes the class names in index order
   */
  public ImageClassifierTranslator(Vim2Config model, Normalization norm, List<String> classes) {
    if (classes.size() != model.classes()) {
      throw new IllegalArgumentException(classes.size() + " class names for a model of "
          + model.classes() + " classes");
    }
    this.model = model;
    this.norm = norm;
    this.classes = List.copyOf(classes);
  }

  @Override
  public NDList processInput(TranslatorContext ctx, Image input) throws IOException {
    return ImageDataset.evaluation(DjlImages.of(List.of(input), model.imageSize(),
        model.inChannels(), classes), norm, 1).get(ctx.getNDManager(), 0).getData();
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList list) {
    return new Classifications(classes, list.singletonOrThrow().softmax(-1));
  }
}
