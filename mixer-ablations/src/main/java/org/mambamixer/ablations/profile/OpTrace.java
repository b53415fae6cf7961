package org.mambamixer.ablations.profile;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training step's engine time by op family, from a libtorch profiler trace: what DJL's {@code
 * JniUtils.stopProfile} writes, a JSON array of {@code {name, ts, dur, tid}} events of the legacy
 * profiler, nested calls included ({@code aten::linear} holds {@code aten::matmul} holds {@code
 * aten::mm}). Only top-level events count, each once. The backward shows as top-level {@code
 * "autograd::engine::evaluate_function: <Node>"} events, which split the trace into regions: ops
 * before the first node ran in the forward (with the batch's upload and the loss), ops between
 * nodes between the engine's backward passes (the scan bridge's surrogates), ops after the last
 * node in the optimizer.
 */
public final class OpTrace {
  private static final String NODE = "autograd::engine::evaluate_function: ";

  /** Where in the step an op ran. */
  public enum Region { FORWARD, BACKWARD, OPTIMIZER }

  private final Map<Region, Map<String, Double>> micros;

  private OpTrace(Map<Region, Map<String, Double>> micros) {
    this.micros = micros;
  }

  /** Microseconds by family in {@code region}, largest first. */
  public Map<String, Double> micros(Region region) {
    Map<String, Double> sorted = new LinkedHashMap<>();
    micros.get(region).entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Reads a trace written by {@code JniUtils.stopProfile}. */
  public static OpTrace read(Path trace) throws IOException {
    record Event(String name, double ts, double dur, String tid) {}
    List<Event> events = new ArrayList<>();
    for (JsonElement e : JsonParser.parseString(Files.readString(trace)).getAsJsonArray()) {
      JsonObject o = e.getAsJsonObject();
      events.add(new Event(o.get("name").getAsString(), o.get("ts").getAsDouble(),
          o.get("dur").getAsDouble(), o.get("tid").getAsString()));
    }
    // Parents start no later and end no earlier than their children: in start order (the longer
    // first on a tie) an event is top-level when it starts after its thread's last top-level one
    // ended.
    events.sort(Comparator.comparingDouble(Event::ts).thenComparing(Event::dur,
        Comparator.reverseOrder()));
    Map<String, Double> busyUntil = new HashMap<>();
    List<Event> top = new ArrayList<>();
    for (Event e : events) {
      if (e.ts() >= busyUntil.getOrDefault(e.tid(), Double.NEGATIVE_INFINITY)) {
        top.add(e);
        busyUntil.put(e.tid(), e.ts() + e.dur());
      }
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < top.size(); i++) {
      if (top.get(i).name().startsWith(NODE)) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    Map<Region, Map<String, Double>> micros = new EnumMap<>(Region.class);
    for (Region r : Region.values()) {
      micros.put(r, new HashMap<>());
    }
    for (int i = 0; i < top.size(); i++) {
      Event e = top.get(i);
      Region region = first < 0 || i < first ? Region.FORWARD
          : i > last ? Region.OPTIMIZER : Region.BACKWARD;
      String family = e.name().startsWith(NODE) ? nodeFamily(e.name().substring(NODE.length()))
          : region == Region.BACKWARD ? "between engine passes (scan bridge surrogates)"
          : region == Region.OPTIMIZER ? "optimizer update" : opFamily(e.name());
      micros.get(region).merge(family, e.dur(), Double::sum);
    }
    return new OpTrace(micros);
  }

  /** The family of an engine op, e.g. {@code aten::linear} is a linear layer. */
  static String opFamily(String op) {
    String n = op.replaceFirst("^aten::", "").replaceFirst("_$", "");
    return switch (n) {
      case "linear", "matmul", "mm", "bmm", "addmm", "baddbmm", "mv", "dot", "einsum" ->
          "linear / matmul";
      case "layer_norm", "native_layer_norm", "batch_norm", "group_norm" -> "norms";
      case "conv1d", "conv2d", "convolution", "_convolution" -> "convolution";
      case "view", "reshape", "transpose", "permute", "as_strided", "split", "split_with_sizes",
          "slice", "select", "narrow", "clone", "contiguous", "copy", "expand", "cat", "stack",
          "flip", "index", "index_select", "_unsafe_view", "squeeze", "unsqueeze", "flatten",
          "unbind", "t", "to", "_to_copy", "empty", "empty_like", "empty_strided", "zeros",
          "zeros_like", "ones", "ones_like", "fill", "zero", "detach", "from_blob" ->
          "reshape / copy / allocation";
      case "mul", "add", "sub", "rsub", "div", "neg", "exp", "log", "pow", "square", "sqrt",
          "rsqrt", "reciprocal", "abs", "sigmoid", "silu", "relu", "gelu", "tanh", "softplus",
          "clamp", "where", "maximum", "minimum", "sum", "mean", "max", "min", "amax", "argmax",
          "dropout", "native_dropout", "bernoulli", "eq", "ne", "lt", "gt", "one_hot", "softmax",
          "log_softmax", "_log_softmax", "nll_loss", "nll_loss_nd", "nll_loss_forward",
          "cross_entropy_loss" -> "elementwise and reductions";
      default -> "other: " + op;
    };
  }

  /** The family of an autograd node, e.g. {@code MmBackward0} is a linear layer's backward. */
  static String nodeFamily(String node) {
    String n = node.replaceAll("Backward\\d*$", "");
    if (n.equals("torch::autograd::AccumulateGrad")) {
      return "gradient accumulation into parameters";
    }
    return "backward of " + switch (n) {
      case "Mm", "Addmm", "Matmul", "Linear", "Dot", "Mv", "Bmm", "Baddbmm" -> "linear / matmul";
      case "NativeLayerNorm", "LayerNorm", "NativeBatchNorm" -> "norms";
      case "Convolution", "ConvolutionBackwardOverrideable", "MkldnnConvolution" ->
          "convolution";
      case "Transpose", "Permute", "View", "ReshapeAlias", "UnsafeView", "Split",
          "SplitWithSizes", "Slice", "Select", "Clone", "Expand", "Copy", "AsStrided", "Unbind",
          "Squeeze", "Unsqueeze", "Cat", "Stack", "Index", "Flip", "ToCopy", "T" ->
          "reshape / copy";
      case "Mul", "Add", "Sub", "Rsub", "Div", "Neg", "Exp", "Log", "Pow", "Sqrt", "Rsqrt",
          "Reciprocal", "Abs", "Sigmoid", "Silu", "Relu", "Gelu", "Tanh", "Softplus", "Clamp",
          "Where", "Maximum", "Minimum", "Sum", "Mean", "Max", "Min", "Amax", "NativeDropout",
          "Dropout", "Softmax", "LogSoftmax", "NllLoss", "NllLoss2D" ->
          "elementwise and reductions";
      default -> "other: " + node;
    };
  }
}
