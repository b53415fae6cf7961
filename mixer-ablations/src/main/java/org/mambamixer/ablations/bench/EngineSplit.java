package org.mambamixer.ablations.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's backward split by autograd node type, from a libtorch profiler trace (DJL's
 * {@code JniUtils.stopProfile} writes the legacy profiler's events as a JSON array of
 * {@code {name, ts, dur, tid}}, durations inclusive). Every backward node appears as one
 * top-level event {@code "autograd::engine::evaluate_function: <Node>"}; their durations are
 * summed by family.
 */
final class EngineSplit {
  private static final String NODE = "autograd::engine::evaluate_function: ";

  private EngineSplit() {}

  /** Microseconds per family, in the order families are first seen. */
  static Map<String, Double> read(Path trace) throws IOException {
    JsonArray events = JsonParser.parseString(Files.readString(trace)).getAsJsonArray();
    Map<String, Double> us = new LinkedHashMap<>();
    for (JsonElement e : events) {
      JsonObject o = e.getAsJsonObject();
      String name = o.get("name").getAsString();
      if (name.startsWith(NODE)) {
        us.merge(family(name.substring(NODE.length())), o.get("dur").getAsDouble(), Double::sum);
      }
    }
    return us;
  }

  /** The family of an autograd node, e.g. {@code MmBackward0} is a linear layer. */
  static String family(String node) {
    String n = node.replaceAll("Backward\\d*$", "").replaceAll("Backwards$", "");
    return switch (n) {
      case "Mm", "Addmm", "Matmul", "Linear", "Dot", "Mv" -> "linear (matmul)";
      case "Bmm" -> "batched matmul (in TSM2: the conv's Toeplitz form)";
      case "Convolution", "ConvolutionBackwardOverrideable", "MkldnnConvolution" -> "convolution";
      case "NativeLayerNorm", "LayerNorm" -> "layer norm";
      case "Transpose", "Permute", "View", "ReshapeAlias", "UnsafeView", "Split",
          "SplitWithSizes", "Slice", "Select", "Clone", "Expand", "Copy", "AsStrided", "Unbind",
          "Squeeze", "Unsqueeze", "Cat", "Stack", "Index", "Flip" -> "reshape / transpose / slice";
      case "Mul", "Add", "Sub", "Div", "Sigmoid", "Silu", "Neg", "Exp", "Pow", "Sqrt", "Sum",
          "Mean", "Softplus", "Square", "Rsub", "NativeDropout", "Dropout" ->
          "elementwise and reductions";
      case "torch::autograd::AccumulateGrad" -> "gradient accumulation into parameters";
      default -> "other: " + node;
    };
  }

  /** Prints the split, scaled to {@code backwardMs} (the backward's time without the profiler). */
  static void print(PrintStream out, Map<String, Double> us, double backwardMs) {
    double total = us.values().stream().mapToDouble(Double::doubleValue).sum();
    out.printf(Locale.ROOT, "Engine backward by autograd node (libtorch profiler, one step;"
        + " shares applied to the %.0f ms measured above)%n%n", backwardMs);
    out.println("| node family | ms/step | % |");
    out.println("|---|---:|---:|");
    us.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", e.getKey(),
            backwardMs * e.getValue() / total, 100 * e.getValue() / total));
  }
}
