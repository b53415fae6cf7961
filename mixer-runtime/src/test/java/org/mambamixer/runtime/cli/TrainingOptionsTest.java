package org.mambamixer.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** Which resumed runs may change their epochs: those whose rate at an epoch ignores the total. */
class TrainingOptionsTest {
  private static JsonObject run(String train) {
    return JsonParser.parseString("{\"train\": {" + train + "}}").getAsJsonObject();
  }

  @Test
  void stepDecaysAndConstantRatesMayChangeTheirEpochs() {
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1e-4, \"minLr\": 0, \"lrDecay\": \"type3\"")))
        .isNull();
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 5e-3, \"minLr\": 0, \"lrDecay\": \"type1\"")))
        .isNull();
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1e-3, \"lrDecay\": \"step:0.5:2\"")))
        .isNull();
    // TSMixer's constant rate: a cosine from the rate to itself, recorded in either spelling.
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1.0E-4, \"minLr\": 0.0001"))).isNull();
  }

  @Test
  void aScheduleOverTheWholeBudgetKeepsItsEpochs() {
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1e-3, \"minLr\": 1e-5")))
        .isEqualTo("its learning rate's cosine spans those epochs; a run under a step decay or a"
            + " constant rate may change them");
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1e-3, \"minLr\": 0,"
        + " \"lrDecay\": \"cosine\""))).contains("cosine spans those epochs");
    assertThat(TrainingOptions.epochsFixed(run("\"lr\": 1e-4, \"minLr\": 0,"
        + " \"lrDecay\": \"onecycle:0.4\""))).contains("onecycle:0.4 spans those epochs");
    // A config that records no rates is read as the cosine it would have trained with.
    assertThat(TrainingOptions.epochsFixed(JsonParser.parseString("{\"epochs\": 3}")
        .getAsJsonObject())).contains("cosine spans those epochs");
  }
}
