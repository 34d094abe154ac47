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
 * patches ({@link ShiftGrams} for 3×3 kernels, {@link PatchGrams} for others). G is symmetric,
 * so k_jiᵀ G k_ji = Σ_{a≤a'} (|K|_a·|K|_a')·(folded G)_aa': 45 multiply-adds per filter,
 * channel and sample for 3×3 kernels, against k²·P for the correlation map itself. On maps with
 * fewer pixels than the kernel has weights the same norm is a quadratic form in the map instead
 * ({@link PixelPairs}: 10 terms on 2×2 maps); {@link SquaredNormTerms} picks.
 *
 * <p>Channels run in parallel; within one, samples are processed {@value #LANES} at a time in
 * vector lanes, and the filters' sums of terms are a {@link NormKernel}'s. The weights are
 * copied when the collector is made: the sums belong to the parameters as they were then. A
 * channel's kernel products are formed again for every batch, into a thread's working array:
 * held for all channels at once they were 47 MB for each of VGG's 512-channel layers, ~200 MB
 * of fresh arrays per step, against ~0.5 % of the kernel's work to recompute them. The squared
 * norms are float sums of non-negative terms; their square roots are summed in float onto
 * {@value #FOLD} lanes within a block (at most {@value #LANES}/{@value #FOLD} terms a lane),
 * then over lanes, blocks and batches in double.
 */
final class FrobeniusSums {
  /** Samples per lane block: the scalar kernel ran at 23 GMAC/s a core with 128, 17 with 64. */
  static final int LANES = 128;
  /** Lanes a kernel folds a block's norms onto: ≤ {@value #LANES}/{@value #FOLD} float adds before a double sum. */
  private static final int FOLD = NormKernel.LANE_MULTIPLE;

  private final int channels;
  private final int filters;
  private final int planeSize;
  private final SquaredNormTerms terms;
  private final int weightsPerSlice;
  /** The layer's weights in {@link PrunableLayer}'s layout, as they were when the collector was made. */
  private final float[] weights;
  /** [C]: the filters j whose kernel slice K_ji is not all zero; a pruned slice's norms are 0. */
  private final int[][] liveFilters;
  private final NormKernel kernel;
  private final ThreadLocal<Work> work;

  private final class Work {
    final SquaredNormTerms.Lanes lanes = terms.newLanes(LANES);
    /** Per filter, the norms of the block in hand, folded onto {@value #FOLD} lanes in float. */
    final float[][] laneTotals = new float[filters][FOLD];
    /** Filter j's kernel-side factors w_q of K_ji at j·terms, for the channel i in hand. */
    final float[] products = new float[filters * terms.count()];
    /** Per filter, Σ_n of the norms of the channel in hand, in double. */
    final double[] channelSums = new double[filters];
    final long[] planes = new long[LANES];
  }

  /** {@code canonicalWeights} in {@link PrunableLayer}'s layout. */
  FrobeniusSums(PrunableLayer layer, float[] canonicalWeights) {
    this(layer, canonicalWeights, NormKernel.fastest());
  }

  FrobeniusSums(PrunableLayer layer, float[] canonicalWeights, NormKernel kernel) {
    this.kernel = kernel;
    channels = layer.inputs();
    filters = layer.outputs();
    planeSize = layer.inH() * layer.inW();
    terms = SquaredNormTerms.of(layer);
    weightsPerSlice = layer.weightsPerConnection();
    weights = canonicalWeights.clone();
    liveFilters = new int[channels][];
    IntStream.range(0, channels).parallel().forEach(i -> {
      int[] live = new int[filters];
      int lives = 0;
      for (int j = 0; j < filters; j++) {
        int slice = (j * channels + i) * weightsPerSlice;
        boolean nonzero = false;
        for (int a = 0; a < weightsPerSlice; a++) {
          nonzero |= weights[slice + a] != 0f;
        }
        if (nonzero) {
          live[lives++] = j;
        }
      }
      liveFilters[i] = Arrays.copyOf(live, lives);
    });
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
    int[] live = liveFilters[i];
    for (int j : live) {
      w.channelSums[j] = 0;
    }
    float[] f = w.lanes.terms();
    int stride = w.lanes.stride();
    int count = terms.count();
    for (int j : live) {
      terms.kernelTerms(weights, (j * channels + i) * weightsPerSlice, w.products, j * count);
    }
    for (int start = 0; start < n; start += LANES) {
      int lanes = Math.min(LANES, n - start);
      for (int l = 0; l < lanes; l++) {
        w.planes[l] = ((long) (start + l) * channels + i) * planeSize;
      }
      w.lanes.compute(values, w.planes, lanes);
      // Lanes past the samples get zero terms: their norms are 0 and add nothing.
      int blockLanes = NormKernel.padded(lanes);
      for (int q = 0; q < count; q++) {
        Arrays.fill(f, q * stride + lanes, q * stride + blockLanes, 0f);
      }
      kernel.addNorms(w.products, count, live, f, stride, blockLanes, w.laneTotals);
      for (int j : live) {
        w.channelSums[j] += takeSum(w.laneTotals[j]);
      }
    }
    // Written once per channel: neighbouring entries belong to other channels' threads.
    for (int j : live) {
      sums[j * channels + i] += w.channelSums[j];
    }
  }

  /** Σ_k v[k] in double, and v back to zero for the next block. */
  private static double takeSum(float[] v) {
    double sum = 0;
    for (int k = 0; k < FOLD; k++) {
      sum += v[k];
      v[k] = 0f;
    }
    return sum;
  }
}
