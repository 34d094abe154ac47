package org.relief.model.prune;

import java.util.Optional;
import org.relief.model.VectorApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The innermost loop of {@link FrobeniusSums}, where a Frobenius-scored pruning step spends most
 * of its statistics time: for one input channel and a block of samples held in lanes,
 * {@code totals[j][l % LANE_MULTIPLE] += sqrt(Σ_q w[j·count + q]·f[q·stride + l])} for the given filters
 * j, lanes in increasing order.
 *
 * <p>Two implementations with bitwise-equal results, so masks do not depend on how a JVM was
 * started: in each lane the squared norm is the chain of fused multiply-adds over q in order,
 * starting from zero; its square root is correctly rounded (float sqrt, or double sqrt rounded
 * to float, which is the same value); each total adds its lanes in float, in lane order. {@link VectorNormKernel} runs
 * that chain for four filters on four vectors of lanes at once in registers (JDK's Vector API,
 * an incubator module in Java 17); {@link ScalarNormKernel} is plain Java that C2
 * auto-vectorises one filter at a time.
 */
interface NormKernel {
  /** System property: {@code false} keeps the scalar kernel even where the Vector API is present. */
  String PROPERTY = VectorApi.PROPERTY;
  /** Callers pad blocks of lanes with zero terms to a multiple of this; totals have this many lanes. */
  int LANE_MULTIPLE = 16;

  /** {@code lanes} rounded up to a multiple of {@link #LANE_MULTIPLE}. */
  static int padded(int lanes) {
    return (lanes + LANE_MULTIPLE - 1) / LANE_MULTIPLE * LANE_MULTIPLE;
  }

  /**
   * Adds the norms of {@code filters} for lanes [0, lanes), {@code lanes} a multiple of {@link
   * #LANE_MULTIPLE}; {@code products} holds count kernel-side factors per filter, {@code
   * terms[q·stride + l]} the map-side factor f_q of lane l.
   */
  void addNorms(float[] products, int count, int[] filters, float[] terms, int stride, int lanes, float[][] totals);

  /** The Vector API kernel if the JVM was started with {@code --add-modules jdk.incubator.vector}, else the scalar one. */
  static NormKernel fastest() {
    return Selection.FASTEST;
  }

  /** Made once per JVM: the choice and, if the Vector API is missing, one warning. */
  final class Selection {
    private static final Logger LOG = LoggerFactory.getLogger(NormKernel.class);
    static final NormKernel FASTEST = choose();

    private Selection() {}

    private static NormKernel choose() {
      if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
        return new ScalarNormKernel();
      }
      Optional<NormKernel> vector = vectorKernel();
      if (vector.isEmpty()) {
        LOG.warn("Frobenius scores run on the scalar kernel, ~2.5x slower: start the JVM with "
            + "--add-modules=jdk.incubator.vector (submit/relief and submit/relief-submit do)");
      }
      return vector.orElseGet(ScalarNormKernel::new);
    }

    /** Empty also where the preferred vector is wider than {@link #LANE_MULTIPLE}. */
    static Optional<NormKernel> vectorKernel() {
      return VectorApi.load(NormKernel.class, NormKernel.class.getPackageName() + ".VectorNormKernel");
    }
  }
}
