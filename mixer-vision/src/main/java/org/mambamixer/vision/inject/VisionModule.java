package org.mambamixer.vision.inject;

import com.google.inject.AbstractModule;
import org.mambamixer.api.inject.Registries;
import org.mambamixer.runtime.cli.Commands;
import org.mambamixer.runtime.zoo.ZooTask;
import org.mambamixer.vision.cli.AverageWeightsCommand;
import org.mambamixer.vision.cli.ClassifyCommand;
import org.mambamixer.vision.cli.EvaluateClassifierCommand;
import org.mambamixer.vision.cli.ModelSummaryCommand;
import org.mambamixer.vision.model.CrossScanTokenMixer;
import org.mambamixer.vision.model.LiftedChannelMixer;
import org.mambamixer.vision.train.ClassifierZooTask;

/**
 * mixer-vision's contribution to the launcher: ViM2's token mixer {@code cross-scan} and channel
 * mixer {@code lifted} in the registries, and the commands {@code classify},
 * {@code model-summary}, {@code average-weights} and {@code evaluate-classifier}, and the zoo
 * task of published classifiers.
 */
public final class VisionModule extends AbstractModule {
  @Override
  protected void configure() {
    Registries.tokenMixers(binder()).addBinding("cross-scan").to(CrossScanTokenMixer.Factory.class);
    Registries.channelMixers(binder()).addBinding("lifted").to(LiftedChannelMixer.Factory.class);
    Commands.registry(binder()).addBinding("classify").to(ClassifyCommand.class);
    Commands.registry(binder()).addBinding("model-summary").to(ModelSummaryCommand.class);
    Commands.registry(binder()).addBinding("average-weights").to(AverageWeightsCommand.class);
    Commands.registry(binder()).addBinding("evaluate-classifier")
        .to(EvaluateClassifierCommand.class);
    ZooTask.registry(binder()).addBinding("classify").to(ClassifierZooTask.class);
  }
}
