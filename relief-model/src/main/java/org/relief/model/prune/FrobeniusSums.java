package org.relief.model.prune;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.net.PrunableLayer;

/**
 * Σ_n ‖|K_ji| ⋆ |x_ni|‖_F for every filter j and input channel i of one convolution (DESIGN.md,
 * "Convolution", the {@code frobenius} variant), without forming the correlation maps: with
 * x_nip the k² values of |x_ni| under the kernel at output position p,
 * ‖|K_ji| ⋆ |x_ni|‖_F² = Σ_p (k_ji·x_nip)² = k_jiᵀ G_ni k_ji, G_ni the Gram matrix of the
 * patches ({@link PatchGrams}). G is symmetric, so k_jiᵀ G k_ji = Σ_{a≤a'} (|K|_a·|K|_a')·(folded
 * G)_aa': 45 multiply-adds per filter, channel and sample for 3×3 kernels, against k²·P for the
 * correlation map itself. On maps with fewer pixels than the kernel has weights the same norm is
 * a quadratic form in the map instead ({@link PixelPairs}: 10 terms on 2×2 maps); {@link
 * SquaredNormTerms} picks.
 *
 * <p>Channels run in parallel; within one, samples are processed {@value #LANES} at a time in
 * vector lanes, and each filter's sum of terms is five-term fused multiply-adds over the lanes.
 * The kernel products are read once, when the collector is made: the sums belong to the
 * parameters as they were then. The squared norms are float sums of non-negative terms; their
 * square roots are summed over lanes, blocks and batches in double.
 */
final class FrobeniusSums {
  /** Samples per lane block: the five-term kernel ran at 23 GMAC/s a core with 128, 17 with 64. */
  static final int LANES = 128;
  private static final int TERMS = 5;

  private final int channels;
  private final int filters;
  private final int planeSize;
  private final SquaredNormTerms terms;
  /** [C][F·terms]: channel i's row for filter j holds the kernel-side factors w_q of K_ji. */
  private final float[][] kernelTerms;
  /** [C][F]: false where the whole kernel slice is zero (pruned), so its norm is 0. */
  private final boolean[][] live;
  private final ThreadLocal<Work> work;

  private final class Work {
    final SquaredNormTerms.Lanes lanes = terms.newLanes(LANES);
    /** One filter's squared norms, then norms, for the lanes of a block. */
    final float[] norms = new float[LANES];
    /** Per filter, Σ_n of the norms of the channel in hand. */
    final double[] channelSums = new double[filters];
    final long[] planes = new long[LANES];
  }

  /** {@code canonicalWeights} in {@link PrunableLayer}'s layout. */
  FrobeniusSums(PrunableLayer layer, float[] canonicalWeights) {
    channels = layer.inputs();
    filters = layer.outputs();
    planeSize = layer.inH() * layer.inW();
    terms = SquaredNormTerms.of(layer);
    int kk = layer.weightsPerConnection();
    int count = terms.count();
    kernelTerms = new float[channels][filters * count];
    live = new boolean[channels][filters];
    for (int i = 0; i < channels; i++) {
      for (int j = 0; j < filters; j++) {
        int kernel = (j * channels + i) * kk;
        for (int a = 0; a < kk; a++) {
          live[i][j] |= canonicalWeights[kernel + a] != 0f;
        }
        terms.kernelTerms(canonicalWeights, kernel, kernelTerms[i], j * count);
      }
    }
    work = ThreadLocal.withInitial(Work::new);
  }

  /**
   * Adds Σ_n over the samples of {@code input} ({@code [n, C, H, W]}, the layer's input as the
   * forward pass gave it) to {@code sums}, index j·C + i.
   */
  void add(INDArray input, double[] sums) {
    INDArray x = input.dataType() == DataType.FLOAT && input.ordering() == 'c' && !input.isView()
        ? input : input.castTo(DataType.FLOAT).dup('c');
    FloatBuffer values = x.data().asNioFloat();
    int n = (int) x.size(0);
    IntStream.range(0, channels).parallel().forEach(i -> addChannel(values, n, i, sums));
  }

  private void addChannel(FloatBuffer values, int n, int i, double[] sums) {
    Work w = work.get();
    Arrays.fill(w.channelSums, 0);
    for (int start = 0; start < n; start += LANES) {
      int lanes = Math.min(LANES, n - start);
      for (int l = 0; l < lanes; l++) {
        w.planes[l] = ((long) (start + l) * channels + i) * planeSize;
      }
      w.lanes.compute(values, w.planes, lanes);
      addNorms(i, w, lanes);
    }
    // Written once per channel: neighbouring entries belong to other channels' threads.
    for (int j = 0; j < filters; j++) {
      sums[j * channels + i] += w.channelSums[j];
    }
  }

  /** channelSums[j] += Σ_l sqrt(Σ_q w[j][q]·f[q][l]) for every live filter j. */
  private void addNorms(int i, Work w, int lanes) {
    float[][] g = w.lanes.terms();
    float[] products = kernelTerms[i];
    int pairs = g.length;
    float[] acc = w.norms;
    for (int j = 0; j < filters; j++) {
      if (!live[i][j]) {
        continue;
      }
      int p = j * pairs;
      int q = 0;
      if (pairs >= TERMS) { // the first five terms start the sums: no pass to zero them
        float w0 = products[p];
        float w1 = products[p + 1];
        float w2 = products[p + 2];
        float w3 = products[p + 3];
        float w4 = products[p + 4];
        float[] g0 = g[0];
        float[] g1 = g[1];
        float[] g2 = g[2];
        float[] g3 = g[3];
        float[] g4 = g[4];
        for (int l = 0; l < lanes; l++) {
          acc[l] = Math.fma(w4, g4[l], Math.fma(w3, g3[l], Math.fma(w2, g2[l], Math.fma(w1, g1[l], w0 * g0[l]))));
        }
        q = TERMS;
      } else {
        Arrays.fill(acc, 0, lanes, 0f);
      }
      for (; q + TERMS <= pairs; q += TERMS) {
        float w0 = products[p + q];
        float w1 = products[p + q + 1];
        float w2 = products[p + q + 2];
        float w3 = products[p + q + 3];
        float w4 = products[p + q + 4];
        float[] g0 = g[q];
        float[] g1 = g[q + 1];
        float[] g2 = g[q + 2];
        float[] g3 = g[q + 3];
        float[] g4 = g[q + 4];
        for (int l = 0; l < lanes; l++) {
          acc[l] = Math.fma(w4, g4[l], Math.fma(w3, g3[l], Math.fma(w2, g2[l], Math.fma(w1, g1[l], Math.fma(w0, g0[l], acc[l])))));
        }
      }
      for (; q < pairs; q++) {
        float w0 = products[p + q];
        float[] g0 = g[q];
        for (int l = 0; l < lanes; l++) {
          acc[l] = Math.fma(w0, g0[l], acc[l]);
        }
      }
      for (int l = 0; l < lanes; l++) {
        acc[l] = (float) Math.sqrt(acc[l]);
      }
      w.channelSums[j] += laneSum(acc, lanes);
    }
  }

  /**
   * Σ_l v[l] in double over eight independent chains: one chain waits for each add (four cycles
   * apiece), and this runs once per filter, channel and block.
   */
  private static double laneSum(float[] v, int lanes) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double s4 = 0;
    double s5 = 0;
    double s6 = 0;
    double s7 = 0;
    int l = 0;
    for (; l + 8 <= lanes; l += 8) {
      s0 += v[l];
      s1 += v[l + 1];
      s2 += v[l + 2];
      s3 += v[l + 3];
      s4 += v[l + 4];
      s5 += v[l + 5];
      s6 += v[l + 6];
      s7 += v[l + 7];
    }
    for (; l < lanes; l++) {
      s0 += v[l];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }
}
