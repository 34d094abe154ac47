package org.relief.model.conformance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.ReliefInputException;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
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
 * {@code masks_after}.
 */
public final class ConformanceCheck {

  /** Mismatches of one mask tensor. */
  public record TensorResult(String stage, String tensor, long mismatches, long entries) {}

  /** All tensors of one fixture. */
  public record Report(String fixture, List<TensorResult> tensors) {
    public long mismatches() {
      return tensors.stream().mapToLong(TensorResult::mismatches).sum();
    }

    public long entries() {
      return tensors.stream().mapToLong(TensorResult::entries).sum();
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

  /** The check with statistics from {@code sources} (e.g. sharded over Spark executors). */
  public static Report run(String dir, Sources sources) {
    Fixture fixture = Fixture.open(dir);
    Architecture architecture = architecture(fixture);
    ConvScore score = ConvScore.SUM; // the reference scores LeNet-5's convolutions by summing over positions
    PruningSettings settings = settings(fixture);

    FloatTensor input = fixture.tensor("input");
    long n = input.shape()[0];
    NetworkSpec spec = new NetworkSpec(architecture, 1, 28, 28, classes(fixture, architecture), 0);
    ReliefNetwork network = spec.build();
    if (input.size() != n * spec.inputVolume()) {
      throw new ReliefInputException(input.file() + ": input has shape " + Arrays.toString(input.shape())
          + ", architecture " + architecture.id() + " takes " + spec.channels() + "x" + spec.height() + "x" + spec.width()
          + " examples");
    }
    for (PrunableLayer layer : network.topology().layers()) {
      FloatTensor w = fixture.tensor("params_before", layer.name() + ".weight");
      FloatTensor b = fixture.tensor("params_before", layer.name() + ".bias");
      checkShape(w, weightShape(layer));
      checkShape(b, layer.outputs());
      network.setLayer(layer.name(), w.values(), b.values()); // PyTorch [out, in, ...] is the canonical order
    }
    INDArray examples = Nd4j.create(input.values(), spec.batchShape((int) n), 'c');

    PruningStep.Outcome outcome = new PruningStep(new PruningSettings(settings.alphaConv(), settings.alphaFc(), score))
        .run(network, NetworkMasks.full(network.topology()), sources.forExamples(spec, examples));

    List<TensorResult> results = new ArrayList<>();
    compare(fixture, network, group(fixture, "masks_after"), "after", outcome.masks(), results);
    compare(fixture, network, group(fixture, "masks_before_backward"), "before-backward", outcome.beforeBackward(), results);
    return new Report(fixture.name(), results);
  }

  private static Architecture architecture(Fixture fixture) {
    String model = fixture.model();
    return switch (model) {
      case "lenet300-100" -> Architecture.LENET_300_100;
      case "lenet5" -> Architecture.LENET5;
      default -> throw new ReliefInputException(fixture.manifestPath() + ": model '" + model
          + "' is not supported by this version of the conformance check (supported: lenet300-100, lenet5)");
    };
  }

  private static int classes(Fixture fixture, Architecture architecture) {
    String last = architecture == Architecture.LENET5 ? "fc2.weight" : "fc3.weight";
    var entry = fixture.group("params_before").get(last);
    if (entry == null || !entry.has("shape") || entry.get("shape").size() != 2) {
      throw new ReliefInputException(fixture.manifestPath() + ": params_before has no 2-D '" + last + "'");
    }
    return entry.get("shape").get(0).asInt();
  }

  private static PruningSettings settings(Fixture fixture) {
    double alphaFc = checkedAlpha(fixture, "alpha_fc", fixture.number("alpha_fc", Double.NaN));
    // alpha_conv is null for networks without convolutions; it is then unused
    double alphaConv = checkedAlpha(fixture, "alpha_conv", fixture.number("alpha_conv", alphaFc));
    return new PruningSettings(alphaConv, alphaFc, ConvScore.SUM);
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
      FloatTensor b = fixture.tensor(group, layer.name() + ".bias");
      checkShape(w, weightShape(layer));
      checkShape(b, layer.outputs());
      long wrong = 0;
      for (int k = 0; k < w.values().length; k++) {
        wrong += (w.values()[k] != 0f) != mine.weight(k) ? 1 : 0;
      }
      out.add(new TensorResult(stage, layer.name() + ".weight", wrong, w.size()));
      wrong = 0;
      for (int j = 0; j < b.values().length; j++) {
        wrong += (b.values()[j] != 0f) != mine.bias(j) ? 1 : 0;
      }
      out.add(new TensorResult(stage, layer.name() + ".bias", wrong, b.size()));
    }
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
