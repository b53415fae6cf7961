package org.mambamixer.vision.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mambamixer.api.inject.Variants;
import org.mambamixer.api.mixer.ChannelMixer;
import org.mambamixer.api.mixer.MixerSpec;
import org.mambamixer.api.mixer.TokenMixer;
import org.mambamixer.api.scan.ReferenceScan;
import org.mambamixer.vision.model.CrossScanRoute;
import org.mambamixer.vision.model.CrossScanTokenMixer;
import org.mambamixer.vision.model.LiftedChannelMixer;
import org.mambamixer.vision.model.Vim2;
import org.mambamixer.vision.model.Vim2Backbone;
import org.mambamixer.vision.model.Vim2Config;
import org.mambamixer.vision.model.Vim2Summary;
import org.mambamixer.vision.train.ClassifyRun;

class VisionModuleTest {
  private final Launcher launcher = new Launcher();
  private final Variants variants = launcher.injector.getInstance(Variants.class);
  private final Vim2Config c = Vim2Config.TINY_28.withImage(8, 1, 10);

  private static long count(Block b) {
    return b.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
  }

  @Test
  void crossScanResolvesAndBuildsTheFourRouteMixerAtTheStageWidth() {
    TokenMixer.Factory f = variants.tokenMixer("cross-scan");
    MixerSpec spec = c.mixerSpec(32);
    assertThat(spec.ssm().dConv()).isEqualTo(4);
    try (NDManager m = NDManager.newBaseManager()) {
      TokenMixer mixer = f.create(spec, 1, new ReferenceScan());
      assertThat(mixer).isInstanceOf(CrossScanTokenMixer.class);
      assertThat(((CrossScanTokenMixer) mixer).routes()).hasSize(4);
      mixer.initialize(m, DataType.FLOAT32, new Shape(2, 4, 4, 32));
      assertThat(count(mixer)).isEqualTo(Vim2Summary.tokenMixer(c, 32));
      NDArray y = mixer.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(2, 4, 4, 32))), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(2, 4, 4, 32));
    }
  }

  @Test
  void liftedResolvesAndBuildsTheD7ChannelMixerAtTheStageWidth() {
    ChannelMixer.Factory f = variants.channelMixer("lifted");
    try (NDManager m = NDManager.newBaseManager()) {
      ChannelMixer mixer = f.create(c.mixerSpec(64), 1, new ReferenceScan());
      assertThat(mixer).isInstanceOf(LiftedChannelMixer.class);
      mixer.initialize(m, DataType.FLOAT32, new Shape(2, 2, 2, 64));
      assertThat(count(mixer)).isEqualTo(Vim2Summary.channelMixer(c, 64));
      NDArray y = mixer.forward(new ParameterStore(m, false),
          new NDList(m.randomNormal(new Shape(2, 2, 2, 64))), false).singletonOrThrow();
      assertThat(y.getShape()).isEqualTo(new Shape(2, 2, 2, 64));
    }
  }

  @Test
  void theCatalogueDescribesBothVariants() {
    assertThat(variants.catalogue().get("token-mixer")).containsKey("cross-scan");
    assertThat(variants.catalogue().get("channel-mixer")).containsKey("lifted");
    assertThat(variants.catalogue().get("token-mixer").get("cross-scan")).contains("D5");
    assertThat(variants.catalogue().get("channel-mixer").get("lifted")).contains("D7");
  }

  /** The registry's default ViM2 is the directly built one: same parameters, same logits. */
  @Test
  void aVim2FromTheRegisteredNamesEqualsTheDirectlyBuiltModel() {
    float[] direct;
    float[] named;
    List<String> directNames;
    List<String> namedNames;
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      Vim2 a = new Vim2(c, new ReferenceScan());
      a.initialize(m, DataType.FLOAT32, a.inputShape(2));
      m.getEngine().setRandomSeed(7);
      Vim2 b = new Vim2(new Vim2Backbone(c, variants.tokenMixer("cross-scan"),
          variants.channelMixer("lifted"), variants.skip("learned"), variants.norm("layer"),
          new ReferenceScan()));
      b.initialize(m, DataType.FLOAT32, b.inputShape(2));
      assertThat(count(b)).isEqualTo(count(a)).isEqualTo(Vim2Summary.total(c));
      directNames = a.getParameters().keys();
      namedNames = b.getParameters().keys();
      NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
      direct = a.forward(new ParameterStore(m, false), new NDList(x), false).head()
          .toFloatArray();
      named = b.forward(new ParameterStore(m, false), new NDList(x), false).head()
          .toFloatArray();
    }
    assertThat(namedNames).isEqualTo(directNames);
    assertThat(named).containsExactly(direct);
  }

  /**
   * A run's config.json rebuilds the model it describes, to the routes and channel sizes that
   * differ from the registered factories' defaults: same parameters, same logits.
   */
  @Test
  void aVim2RebuiltFromItsConfigJsonHonoursEveryRecordedField(@TempDir Path dir)
      throws IOException {
    Vim2Config own = new Vim2Config("own", 8, 1, 10, 2, List.of(8, 16), List.of(1, 2),
        List.of(1, 1), 2, 4, List.of(CrossScanRoute.ROWS, CrossScanRoute.COLUMNS_REVERSED), 2, 3);
    Gson gson = new Gson();
    JsonObject o = new JsonObject();
    o.addProperty("dataset", "fashion-mnist");
    o.add("model", gson.toJsonTree(own));
    o.add("variants", gson.toJsonTree(Vim2Config.VARIANTS));
    o.addProperty("val_size", 0);
    o.addProperty("seed", 1);
    o.addProperty("data", "");
    Path json = Files.writeString(dir.resolve("config.json"), gson.toJson(o));
    ClassifyRun.Origin origin = ClassifyRun.Origin.read(json);
    assertThat(origin.model()).isEqualTo(own);
    float[] direct;
    float[] rebuilt;
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      Vim2 a = new Vim2(own, new ReferenceScan());
      a.initialize(m, DataType.FLOAT32, a.inputShape(2));
      m.getEngine().setRandomSeed(7);
      Vim2 b = ClassifyRun.build(origin.model(), origin.variants(), variants, new ReferenceScan());
      b.initialize(m, DataType.FLOAT32, b.inputShape(2));
      assertThat(count(b)).isEqualTo(count(a)).isEqualTo(Vim2Summary.total(own));
      NDArray x = m.randomNormal(new Shape(2, 1, 8, 8));
      direct = a.forward(new ParameterStore(m, false), new NDList(x), false).head()
          .toFloatArray();
      rebuilt = b.forward(new ParameterStore(m, false), new NDList(x), false).head()
          .toFloatArray();
    }
    assertThat(rebuilt).containsExactly(direct);
  }

  @Test
  void modelSummaryPrintsStagesAndEndsWithTheTotal() {
    assertThat(launcher.run("model-summary", "--model", "vim2-tiny")).isEqualTo(0);
    List<String> lines = launcher.out.toString().lines().toList();
    assertThat(lines.get(lines.size() - 1)).isEqualTo("total parameters: 19327666");
    assertThat(lines).anyMatch(l -> l.startsWith("stage 3") && l.contains("(14, 14, 384)")
        && l.contains("7,185,771"));
    assertThat(new Launcher().run("model-summary", "--model", "vim2-huge")).isEqualTo(2);
  }
}
