package org.relief.model.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/**
 * The baselines of {@link PrunerKind}: they keep a given number of the weights and biases that
 * survive so far (masks only shrink, as NNrelief's), over the layers NNrelief prunes and counts
 * (conv and dense; not BatchNorm, not shortcut gates, which are carried over). Ties in
 * magnitude are broken by position (layer order, then index), so the masks are deterministic.
 */
public final class BaselinePruner {
  private final PrunerKind kind;

  public BaselinePruner(PrunerKind kind) {
    if (kind == PrunerKind.NNRELIEF) {
      throw new IllegalArgumentException("nnrelief is PruningStep, not a baseline");
    }
    this.kind = kind;
  }

  /**
   * Masks keeping {@code keep} of the weights and biases {@code current} keeps (all of them if
   * it keeps fewer); {@code seed} draws the random baseline's survivors.
   */
  public NetworkMasks prune(ReliefNetwork network, NetworkMasks current, long keep, long seed) {
    List<PrunableLayer> layers = network.topology().layers().stream().filter(PrunableLayer::masked).toList();
    List<float[]> values = new ArrayList<>();
    for (PrunableLayer layer : layers) {
      values.add(concat(network.weights(layer.name()), network.biases(layer.name())));
    }
    List<boolean[]> alive = new ArrayList<>();
    for (PrunableLayer layer : layers) {
      alive.add(entries(current.layer(layer.name())));
    }
    switch (kind) {
      case MAGNITUDE_GLOBAL -> keepLargest(values, alive, keep);
      case MAGNITUDE_LAYER -> {
        long total = alive.stream().mapToLong(a -> a.length).sum();
        for (int l = 0; l < layers.size(); l++) {
          // the same share of every layer's original size, as near as whole entries allow
          long share = Math.round((double) keep * alive.get(l).length / total);
          keepLargest(List.of(values.get(l)), List.of(alive.get(l)), share);
        }
      }
      case RANDOM -> keepRandom(alive, keep, new Random(seed));
      default -> throw new IllegalStateException(kind.id());
    }
    List<LayerMask> masks = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      masks.add(withEntries(current.layer(layers.get(l).name()), alive.get(l)));
    }
    return current.with(masks);
  }

  /** Keeps, among the alive entries of all arrays, the {@code keep} largest |value|; first positions win ties. */
  private static void keepLargest(List<float[]> values, List<boolean[]> alive, long keep) {
    long count = alive.stream().mapToLong(BaselinePruner::count).sum();
    if (keep >= count) {
      return;
    }
    float[] magnitudes = new float[Math.toIntExact(count)];
    int n = 0;
    for (int a = 0; a < values.size(); a++) {
      for (int k = 0; k < values.get(a).length; k++) {
        if (alive.get(a)[k]) {
          magnitudes[n++] = Math.abs(values.get(a)[k]);
        }
      }
    }
    Arrays.sort(magnitudes);
    float threshold = keep == 0 ? Float.POSITIVE_INFINITY : magnitudes[magnitudes.length - (int) keep];
    long above = 0;
    for (float m : magnitudes) {
      above += m > threshold ? 1 : 0;
    }
    long tiesKept = keep - above;
    for (int a = 0; a < values.size(); a++) {
      for (int k = 0; k < values.get(a).length; k++) {
        if (alive.get(a)[k]) {
          float m = Math.abs(values.get(a)[k]);
          if (m < threshold || (m == threshold && tiesKept-- <= 0)) {
            alive.get(a)[k] = false;
          }
        }
      }
    }
  }

  /** Keeps {@code keep} alive entries drawn uniformly without replacement. */
  private static void keepRandom(List<boolean[]> alive, long keep, Random random) {
    List<long[]> positions = new ArrayList<>();
    for (int a = 0; a < alive.size(); a++) {
      for (int k = 0; k < alive.get(a).length; k++) {
        if (alive.get(a)[k]) {
          positions.add(new long[] {a, k});
        }
      }
    }
    int drop = (int) Math.max(0, positions.size() - keep);
    // a partial Fisher-Yates shuffle: the first `drop` positions are a uniform sample to remove
    for (int i = 0; i < drop; i++) {
      int j = i + random.nextInt(positions.size() - i);
      long[] chosen = positions.get(j);
      positions.set(j, positions.get(i));
      positions.set(i, chosen);
      alive.get((int) chosen[0])[(int) chosen[1]] = false;
    }
  }

  private static long count(boolean[] a) {
    long n = 0;
    for (boolean b : a) {
      n += b ? 1 : 0;
    }
    return n;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A mask's weights then biases, as one array. */
  private static boolean[] entries(LayerMask mask) {
    boolean[] out = new boolean[mask.weightCount() + mask.biasCount()];
    for (int k = 0; k < mask.weightCount(); k++) {
      out[k] = mask.weight(k);
    }
    for (int u = 0; u < mask.biasCount(); u++) {
      out[mask.weightCount() + u] = mask.bias(u);
    }
    return out;
  }

  private static LayerMask withEntries(LayerMask mask, boolean[] entries) {
    boolean[] gate = null;
    if (mask.hasGate()) {
      gate = new boolean[mask.outputs()];
      for (int c = 0; c < gate.length; c++) {
        gate[c] = mask.gate(c);
      }
    }
    return LayerMask.of(mask.layer(), mask.outputs(), mask.inputs(), mask.weightsPerConnection(),
        Arrays.copyOf(entries, mask.weightCount()), Arrays.copyOfRange(entries, mask.weightCount(), entries.length), gate);
  }
}
