package org.relief.model.net;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Switches on DL4J's oneDNN layer helpers (convolution, pooling, BatchNorm), which DL4J 1.0.0-M2
 * never creates by default: {@code HelperUtils} reads the system property {@value #PROPERTY},
 * which defaults to true (../shared/STACK.md; 4–5× on conv training, docs/BENCHMARKS.md). With
 * an ND4J native build that contains oneDNN (classifier {@code linux-x86_64-onednn*}, the
 * default) and {@link org.nd4j.nativeblas.Nd4jCpu} the helpers are used; with a build without
 * it DL4J falls back to its own kernels. {@code -D}{@value #PROPERTY}{@code =true} keeps them off.
 */
public final class OneDnnHelpers {
  static final String PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  private OneDnnHelpers() {}

  /** Idempotent; must run before a network's layers are created (Architecture does it first). */
  public static void enable() {
    if (System.getProperty(PROPERTY) == null) {
      System.setProperty(PROPERTY, "false");
    }
  }

  /**
   * Runs {@code work} with networks built without helpers (DL4J's own im2col + GEMM kernels),
   * then restores the setting. For conformance, so that every JVM of a check runs the same
   * kernels: in float32, oneDNN's summation order (3e-7 relative per layer, 2e-6 at VGG-like's
   * output) flipped 64 of VGG-like's 29,964,948 reference entries, whose selection margins are
   * that small; the check now also runs in float64 ({@code NetworkSpec#float64}). Networks built
   * by other threads meanwhile get no helpers either.
   */
  public static synchronized <T> T withoutHelpers(java.util.function.Supplier<T> work) {
    String before = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, "true");
    try {
      return work.get();
    } finally {
      if (before == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, before);
      }
    }
  }

  /**
   * The layer helpers {@code model}'s layers got, e.g. "MKLDNNConvHelper+MKLDNNSubsamplingHelper",
   * or "none": what benchmark lines and run logs print, since DL4J drops helpers silently.
   */
  public static String inUse(Model model) {
    Layer[] layers = model instanceof ComputationGraph g ? g.getLayers()
        : model instanceof MultiLayerNetwork m ? m.getLayers() : new Layer[0];
    String helpers = Arrays.stream(layers)
        .map(OneDnnHelpers::helperOf)
        .filter(Objects::nonNull)
        .distinct().sorted()
        .collect(Collectors.joining("+"));
    return helpers.isEmpty() ? "none" : helpers;
  }

  /** What runs the layer's work besides DL4J's Java code: Relief's own primitives, or DL4J's helper, or null. */
  private static String helperOf(Layer layer) {
    if (layer instanceof TrainingConvolutionLayer t && t.runsOwnPrimitives() && !(t instanceof WholeMapConvolutionLayer)) {
      return ConvolutionPrimitives.class.getSimpleName();
    }
    return layer.getHelper() == null ? null : layer.getHelper().getClass().getSimpleName();
  }
}
