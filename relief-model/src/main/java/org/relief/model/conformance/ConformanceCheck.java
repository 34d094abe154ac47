package org.relief.model.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.ReliefInputException;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OneDnnHelpers;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ActivitySource;
import org.relief.model.prune.ConvScore;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.LocalActivitySource;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.prune.PruningSettings;
import org.relief.model.prune.PruningStep;

/**
 * Runs one Relief pruning step on a fixture's parameters and pruning set and compares the
 * masks entry by entry with the reference's, after the backward walk and before it. Where the
 * fixture carries float64 re-runs ({@code masks_after_float64}) those are the answer, else
 * {@code masks_after}. The step runs on a float64 network ({@link NetworkSpec#float64}): with
 * float32 forward passes, 64 of VGG-like's entries whose selection margins are ~3e-8 took the
 * float32 run's side (measured on a 2-core AVX-512 machine, 2026-11-22).
 */
public final class ConformanceCheck {

  /** Mismatches of one mask tensor. */
  public record TensorResult(String stage, String tensor, long mismatches, long entries) {}

  /**
   * All tensors of one fixture.
   *
   * @param batchNorm BatchNorm parameters after the step compared with the fixture's
   *     {@code bn_params_after} (not mask entries: reported beside them)
   */
  public record Report(String fixture, List<TensorResult> tensors, List<TensorResult> batchNorm) {
    public long mismatches() {
      return tensors.stream().mapToLong(TensorResult::mismatches).sum();
    }

    public long entries() {
      return tensors.stream().mapToLong(TensorResult::entries).sum();
    }

    public long batchNormMismatches() {
      return batchNorm.stream().mapToLong(TensorResult::mismatches).sum();
    }

    /** True if every mask entry and every BatchNorm value matches. */
    public boolean conforms() {
      return mismatches() == 0 && batchNormMismatches() == 0;
    }

    /** The line the command line prints last: {@code conformance <name>: <m> mismatches of <n> mask entries}. */
    public String summary() {
      return "conformance " + fixture + ": " + mismatches() + " mismatches of " + entries() + " mask entries";
    }
  }

  /** Makes the activity source the step runs on, for the fixture's network and pruning set. */
  @FunctionalInterface
  public interface Sources {
    ActivitySource forExamples(NetworkSpec spec, INDArray examples);
  }

  private ConformanceCheck() {}

  /** The check in this JVM. */
  public static Report run(String dir) {
    return run(dir, (spec, examples) -> new LocalActivitySource(spec, examples, (int) examples.size(0), 1));
  }

  /**
   * The check with statistics from {@code sources} (e.g. sharded over Spark executors), on
   * DL4J's own convolution kernels ({@link OneDnnHelpers#withoutHelpers}: the fixtures' margins
   * are within oneDNN's float rounding). Executors in other JVMs build their networks with
   * whatever helpers their JVM allows.
   */
  public static Report run(String dir, Sources sources) {
    return OneDnnHelpers.withoutHelpers(() -> check(dir, sources));
  }

  private static Report check(String dir, Sources sources) {
    Fixture fixture = Fixture.open(dir);
    Architecture architecture = architecture(fixture);
    // the reference scores LeNet-5's convolutions by summing over positions, VGG's and ResNet's by mean-l2
    ConvScore score = architecture.id().startsWith("lenet") ? ConvScore.SUM : ConvScore.MEAN_L2;
    PruningSettings settings = settings(fixture, score);

    FloatTensor input = fixture.tensor("input");
    long n = input.shape()[0];
    NetworkSpec spec = spec(fixture, architecture, input);
    ReliefNetwork network = spec.build();
    for (PrunableLayer layer : network.topology().layers()) {
      FloatTensor w = fixture.tensor("params_before", layer.name() + ".weight");
      checkShape(w, weightShape(layer));
      float[] b = new float[0];
      if (layer.bias()) {
        FloatTensor bias = fixture.tensor("params_before", layer.name() + ".bias");
        checkShape(bias, layer.outputs());
        b = bias.values();
      }
      network.setLayer(layer.name(), w.values(), b); // PyTorch [out, in, ...] is the canonical order
    }
    network.setParams(withBatchNorm(fixture, network, network.params(), "params_before"));
    INDArray examples = Nd4j.create(input.values(), spec.batchShape((int) n), 'c');

    PruningStep.Outcome outcome = new PruningStep(settings)
        .run(network, NetworkMasks.full(network.topology()), sources.forExamples(spec, examples));

    List<TensorResult> results = new ArrayList<>();
    compare(fixture, network, group(fixture, "masks_after"), "after", outcome.masks(), results);
    compare(fixture, network, group(fixture, "masks_before_backward"), "before-backward", outcome.beforeBackward(), results);
    return new Report(fixture.name(), results,
        batchNormAfter(fixture, network, outcome.masks().apply(network.params(), network.layout())));
  }

  private static final String[] BN_KEYS = {"weight", "bias", "running_mean", "running_var"};

  /** {@code params} with the fixture's BatchNorm tensors of {@code group} written into it. */
  private static float[] withBatchNorm(Fixture fixture, ReliefNetwork network, float[] params, String group) {
    float[] out = params.clone();
    for (PrunableLayer layer : network.topology().layers()) {
      long[] offsets = network.layout().of(layer.name()).batchNorm();
      if (offsets == null) {
        continue;
      }
      for (int k = 0; k < BN_KEYS.length; k++) {
        FloatTensor t = fixture.tensor(group, layer.batchNorm() + "." + BN_KEYS[k]);
        checkShape(t, layer.outputs());
        System.arraycopy(t.values(), 0, out, Math.toIntExact(offsets[k]), layer.outputs());
      }
    }
    return out;
  }

  /** Our BatchNorm values after the step against the fixture's {@code bn_params_after}, exactly. */
  private static List<TensorResult> batchNormAfter(Fixture fixture, ReliefNetwork network, float[] after) {
    List<TensorResult> out = new ArrayList<>();
    if (!fixture.hasGroup("bn_params_after")) {
      return out;
    }
    for (PrunableLayer layer : network.topology().layers()) {
      long[] offsets = network.layout().of(layer.name()).batchNorm();
      if (offsets == null) {
        continue;
      }
      for (int k = 0; k < BN_KEYS.length; k++) {
        FloatTensor expected = fixture.tensor("bn_params_after", layer.batchNorm() + "." + BN_KEYS[k]);
        checkShape(expected, layer.outputs());
        long wrong = 0;
        for (int j = 0; j < layer.outputs(); j++) {
          wrong += expected.values()[j] != after[Math.toIntExact(offsets[k] + j)] ? 1 : 0;
        }
        out.add(new TensorResult("batchnorm", layer.batchNorm() + "." + BN_KEYS[k], wrong, layer.outputs()));
      }
    }
    return out;
  }

  /** The network the fixture's input fits: LeNet-300-100 takes its 784 values as 1×28×28. */
  private static NetworkSpec spec(Fixture fixture, Architecture architecture, FloatTensor input) {
    long[] s = input.shape();
    int c = s.length == 4 ? (int) s[1] : 1;
    int h = s.length == 4 ? (int) s[2] : 28;
    int w = s.length == 4 ? (int) s[3] : 28;
    if (s.length != 4 && (s.length != 2 || s[1] != 784)) {
      throw new ReliefInputException(input.file() + ": input has shape " + Arrays.toString(s)
          + ", expected [N, C, H, W] or [N, 784]");
    }
    try {
      architecture.checkInput(c, h, w, input.file());
    } catch (ReliefInputException e) {
      throw new ReliefInputException(input.file() + ": " + e.getMessage());
    }
    // the fixtures record the reference, which never applies ResNet's stem mask
    return new NetworkSpec(architecture, c, h, w, classes(fixture, architecture, c, h, w), 0, architecture.graph())
        .inFloat64();
  }

  /**
   * The architecture the manifest's {@code model} names: an id ({@code lenet5}) or the reference's
   * constructor call ({@code VGG('vgg-like', num_classes=10) from models.py},
   * {@code resnet20(10, device) from models.py}).
   */
  private static Architecture architecture(Fixture fixture) {
    String model = fixture.model();
    for (Architecture a : Architecture.values()) {
      if (model.equals(a.id()) || model.contains("'" + a.id() + "'") || model.startsWith(a.id() + "(")) {
        return a;
      }
    }
    throw new ReliefInputException(fixture.manifestPath() + ": model '" + model
        + "' is not supported by this version of the conformance check");
  }

  /** Classes: the output size of the network's last layer in {@code params_before}. */
  private static int classes(Fixture fixture, Architecture architecture, int c, int h, int w) {
    List<PrunableLayer> layers = new NetworkSpec(architecture, c, h, w, 2, 0).build().topology().layers();
    String last = layers.get(layers.size() - 1).name() + ".weight";
    var entry = fixture.group("params_before").get(last);
    if (entry == null || !entry.has("shape") || entry.get("shape").size() != 2) {
      throw new ReliefInputException(fixture.manifestPath() + ": params_before has no 2-D '" + last + "'");
    }
    return entry.get("shape").get(0).asInt();
  }

  private static PruningSettings settings(Fixture fixture, ConvScore score) {
    double alphaFc = checkedAlpha(fixture, "alpha_fc", fixture.number("alpha_fc", Double.NaN));
    // alpha_conv is null for networks without convolutions; it is then unused
    double alphaConv = checkedAlpha(fixture, "alpha_conv", fixture.number("alpha_conv", alphaFc));
    return new PruningSettings(alphaConv, alphaFc, score);
  }

  private static double checkedAlpha(Fixture fixture, String key, double value) {
    try {
      PruningSettings.checkAlpha(key, value);
      return value;
    } catch (ReliefInputException e) {
      throw new ReliefInputException(fixture.manifestPath() + ": " + e.getMessage());
    }
  }

  /** The float64 re-run where the fixture has one (exact arithmetic), else the reference's own masks. */
  private static String group(Fixture fixture, String group) {
    return fixture.hasGroup(group + "_float64") ? group + "_float64" : group;
  }

  private static void compare(Fixture fixture, ReliefNetwork network, String group, String stage, NetworkMasks masks,
      List<TensorResult> out) {
    for (PrunableLayer layer : network.topology().layers()) {
      LayerMask mine = masks.layer(layer.name());
      FloatTensor w = fixture.tensor(group, layer.name() + ".weight");
      checkShape(w, weightShape(layer));
      long wrong = 0;
      for (int k = 0; k < w.values().length; k++) {
        wrong += (w.values()[k] != 0f) != mine.weight(k) ? 1 : 0;
      }
      out.add(new TensorResult(stage, layer.name() + ".weight", wrong, w.size()));
      if (layer.bias()) {
        FloatTensor b = fixture.tensor(group, layer.name() + ".bias");
        checkShape(b, layer.outputs());
        out.add(new TensorResult(stage, layer.name() + ".bias", flagMismatches(b, mine::bias), b.size()));
      }
      if (layer.hasResidual()) {
        // the reference keys the per-channel shortcut mask by the shortcut's name
        FloatTensor g = fixture.tensor(group, layer.residual().shortcutLayer() + ".mask");
        checkShape(g, layer.outputs());
        out.add(new TensorResult(stage, layer.residual().shortcutLayer() + ".mask", flagMismatches(g, mine::gate), g.size()));
      }
    }
  }

  private static long flagMismatches(FloatTensor expected, java.util.function.IntPredicate kept) {
    long wrong = 0;
    for (int j = 0; j < expected.values().length; j++) {
      wrong += (expected.values()[j] != 0f) != kept.test(j) ? 1 : 0;
    }
    return wrong;
  }

  private static long[] weightShape(PrunableLayer layer) {
    return layer.isConv()
        ? new long[] {layer.outputs(), layer.inputs(), layer.kernelH(), layer.kernelW()}
        : new long[] {layer.outputs(), layer.inputs()};
  }

  private static void checkShape(FloatTensor t, long... expected) {
    if (!t.hasShape(expected)) {
      throw new ReliefInputException(t.file() + ": '" + t.name() + "' has shape " + Arrays.toString(t.shape())
          + ", the network needs " + Arrays.toString(expected));
    }
  }
}
