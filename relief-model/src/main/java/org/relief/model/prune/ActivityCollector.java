package org.relief.model.prune;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.relief.model.net.ForwardPass;
import org.relief.model.net.LayerIO;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/**
 * Runs batches through a network and adds their activity sums to a {@link MutableActivityStats}.
 *
 * <p>Forward passes run in float32 as the network does; every sum over samples is taken in
 * float64 (the conformance fixtures have selection margins down to ~1e-7 relative). The
 * Frobenius norms of {@link ConvScore#FROBENIUS} come from Gram matrices of im2col patches of
 * {@code |x|} (see {@code frobeniusSums}).
 */
public final class ActivityCollector {
  /** Upper bound on floats in one batch of im2col patches, to keep Frobenius memory flat. */
  private static final long MAX_PATCH_VALUES = 1L << 24;

  private static final String WORKSPACE_ID = "relief-activity";
  private static final String CHUNK_WORKSPACE_ID = "relief-activity-chunk";
  private static final String CHANNEL_WORKSPACE_ID = "relief-activity-channel";
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .build();

  private final ReliefNetwork network;
  private final ActivityRequest request;
  private final Map<String, INDArray> kernelPairProducts = new HashMap<>();
  private final Map<Integer, INDArray> gramFolds = new HashMap<>();
  private final Map<String, ShiftedGrams> shiftedGrams = new HashMap<>();

  /** The network's parameters are read as they are now; set them before creating a collector. */
  public ActivityCollector(ReliefNetwork network, ActivityRequest request) {
    this.network = network;
    this.request = request;
    if (request.convScore().needsPerSampleNorms()) {
      for (String name : request.layers()) {
        PrunableLayer layer = network.topology().layer(name);
        if (layer.isConv()) {
          kernelPairProducts.put(name, absKernelPairProducts(layer, network.weights(name)));
          gramFolds.computeIfAbsent(layer.weightsPerConnection(), ActivityCollector::gramPairs);
          if (ShiftedGrams.applies(layer)) {
            shiftedGrams.put(name, new ShiftedGrams(layer));
          }
        }
      }
    }
  }

  /** Zero sums for this collector's layers. */
  public MutableActivityStats newStats() {
    return new MutableActivityStats(network.topology(), request);
  }

  /**
   * Adds one batch (in the network's input shape) to {@code stats} and returns it. The forward
   * pass runs outside any workspace (DL4J requires it); the statistics' ND4J temporaries live in
   * a workspace reused from batch to batch, since allocating large off-heap arrays anew for
   * every batch made timings swing 4×. Only Java arrays of sums leave it.
   */
  public MutableActivityStats add(MutableActivityStats stats, INDArray batch) {
    long n = batch.size(0);
    try (ForwardPass io = network.forward(batch, request.layers());
        MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      addLayers(stats, n, io);
    }
    return stats;
  }

  private void addLayers(MutableActivityStats stats, long n, ForwardPass io) {
    for (String name : request.layers()) {
      PrunableLayer layer = network.topology().layer(name);
      LayerIO layerIO = io.get(name);
      double[] inputAbs = new double[layer.inputVolume()];
      SampleSums.addAbs(layerIO.input(), inputAbs);
      double[] outputAbs = new double[layer.outputs()];
      SampleSums.addAbsPerUnit(layerIO.output(), layer.outputs(), outputAbs);
      double[] frobenius = kernelPairProducts.containsKey(name)
          ? frobeniusSums(layer, layerIO.input(), kernelPairProducts.get(name), gramFolds.get(layer.weightsPerConnection()),
              shiftedGrams.get(name))
          : null;
      double[] branchAbs = null;
      double[] shortcutAbs = null;
      if (layer.hasResidual()) {
        branchAbs = new double[layer.outputs() * layer.outputPositions()];
        shortcutAbs = new double[branchAbs.length];
        SampleSums.addAbs(layerIO.branch(), branchAbs);
        SampleSums.addAbs(layerIO.shortcut(), shortcutAbs);
      }
      stats.add(name, n, inputAbs, outputAbs, frobenius, branchAbs, shortcutAbs);
    }
  }

  /**
   * The products of |K| that {@code kᵀGk} needs, regrouped by input channel: {@code [C, F, k²(k²+1)/2]},
   * row (i, j) holds |K_ji|_a·|K_ji|_a' for every pair a ≤ a' of kernel positions (the Gram
   * matrices are symmetric, so the upper triangle suffices; see {@link #gramPairs}).
   */
  private static INDArray absKernelPairProducts(PrunableLayer layer, float[] canonicalWeights) {
    int f = layer.outputs();
    int c = layer.inputs();
    int kk = layer.weightsPerConnection();
    int pairs = kk * (kk + 1) / 2;
    float[] products = new float[c * f * pairs];
    for (int j = 0; j < f; j++) {
      for (int i = 0; i < c; i++) {
        int kernel = (j * c + i) * kk;
        int row = (i * f + j) * pairs;
        for (int a = 0; a < kk; a++) {
          float ka = Math.abs(canonicalWeights[kernel + a]);
          for (int a2 = a; a2 < kk; a2++) {
            products[row++] = ka * Math.abs(canonicalWeights[kernel + a2]);
          }
        }
      }
    }
    return Nd4j.createFromArray(products).reshape('c', c, f, pairs);
  }

  /**
   * {@code [k⁴, k²(k²+1)/2]} 0/1 matrix folding a flattened symmetric k²×k² Gram matrix onto the
   * pairs a ≤ a' of {@link #absKernelPairProducts}: G_aa for a diagonal pair, G_aa' + G_a'a
   * otherwise, so that Σ_{a,a'} k_a k_a' G_aa' = Σ_{a≤a'} (k_a k_a') (folded G)_{aa'}.
   */
  private static INDArray gramPairs(int kk) {
    int pairs = kk * (kk + 1) / 2;
    float[] fold = new float[kk * kk * pairs];
    int pair = 0;
    for (int a = 0; a < kk; a++) {
      for (int a2 = a; a2 < kk; a2++, pair++) {
        fold[(a * kk + a2) * pairs + pair] = 1f;
        fold[(a2 * kk + a) * pairs + pair] = 1f;
      }
    }
    return Nd4j.createFromArray(fold).reshape('c', kk * kk, pairs);
  }

  /**
   * Σ_n ‖|K_ji| ⋆ |x_ni|‖_F for every filter j and input channel i, index j·C + i, without
   * forming the correlation maps: with x_nip the k² values of |x_ni| under the kernel at output
   * position p, ‖|K_ji| ⋆ |x_ni|‖_F² = Σ_p (k_ji·x_nip)² = k_jiᵀ G_ni k_ji, where
   * G_ni = Σ_p x_nip x_nipᵀ is a k²×k² Gram matrix. So: im2col patches of |x| (the layer's
   * stride and padding), one batched GEMM for every sample's and channel's Gram matrix, folded
   * onto their k²(k²+1)/2 distinct entries, then per group of channels one batched GEMM of the
   * kernels' pair products [F, k²(k²+1)/2] against them [k²(k²+1)/2, b], giving every k_jiᵀ G_ni k_ji
   * at once. All terms are non-negative (no cancellation in float); the norms are summed over
   * samples in double. Cost ≈ b·C·k²·(k²·P + (k²+1)/2·F) against b·C·k²·P·F for the maps.
   */
  private static double[] frobeniusSums(PrunableLayer layer, INDArray input, INDArray pairProducts, INDArray fold,
      ShiftedGrams shifted) {
    int c = layer.inputs();
    int f = layer.outputs();
    int positions = layer.outputPositions();
    int kk = layer.weightsPerConnection();
    long n = input.size(0);
    long perSample = 2L * c * kk * positions;
    long chunk = Math.max(1, Math.min(n, MAX_PATCH_VALUES / Math.max(1, perSample)));
    Conv2DConfig conv = Conv2DConfig.builder()
        .kH(layer.kernelH()).kW(layer.kernelW())
        .sH(layer.strideH()).sW(layer.strideW())
        .pH(layer.padH()).pW(layer.padW())
        .dH(1).dW(1)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv2DConfig.NCHW)
        .build();
    double[] sums = new double[f * c];
    for (long start = 0; start < n; start += chunk) {
      // each chunk's patches in a workspace of their own, reused chunk after chunk: in the
      // enclosing per-batch workspace they piled up over all chunks of all layers (VGG-like:
      // the JVM was killed for memory at 17 GB)
      try (MemoryWorkspace chunkScope = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, CHUNK_WORKSPACE_ID)) {
        addChunk(sums, input, start, (int) (Math.min(n, start + chunk) - start), conv, pairProducts, fold, shifted,
            c, f, positions, kk);
      }
    }
    return sums;
  }

  /** Adds the Frobenius norms of samples [start, start + b) to {@code sums}. */
  private static void addChunk(double[] sums, INDArray input, long start, int b, Conv2DConfig conv,
      INDArray pairProducts, INDArray fold, ShiftedGrams shifted, int c, int f, int positions, int kk) {
    int pairs = (int) fold.size(1);
    INDArray x = Transforms.abs(input.get(NDArrayIndex.interval(start, start + b)), true);
    INDArray byChannel; // [C, pairs, b]
    if (shifted != null) { // stride 1: rectangle sums of shifted products, no patches
      byChannel = Nd4j.create(shifted.folded(x.dup('c').data().asFloat(), b, c), new long[] {c, pairs, b}, 'c');
    } else {
      INDArray patches = Nd4j.cnn().im2Col(x, conv).reshape('c', (long) b * c, kk, positions); // [b·C, k², P]
      INDArray gram = Nd4j.matmul(patches, patches, false, true, false) // [b·C, k², k²]
          .reshape('c', (long) b * c, (long) kk * kk)
          .mmul(fold); // [b·C, pairs]
      byChannel = gram.reshape('c', b, c, pairs).permute(1, 2, 0).dup('c');
    }
    int group = (int) Math.max(1, Math.min(c, MAX_PATCH_VALUES / ((long) f * b)));
    for (int i0 = 0; i0 < c; i0 += group) {
      int g = Math.min(group, c - i0);
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, CHANNEL_WORKSPACE_ID)) {
        INDArray squares = Nd4j.matmul(
            pairProducts.get(NDArrayIndex.interval(i0, i0 + g), NDArrayIndex.all(), NDArrayIndex.all()),
            byChannel.get(NDArrayIndex.interval(i0, i0 + g), NDArrayIndex.all(), NDArrayIndex.all())); // [g, F, b]
        float[] norms = Transforms.sqrt(squares, false).data().asFloat();
        for (int di = 0; di < g; di++) {
          for (int j = 0; j < f; j++) {
            double sum = 0;
            int base = (di * f + j) * b;
            for (int sample = 0; sample < b; sample++) {
              sum += norms[base + sample];
            }
            sums[j * c + i0 + di] += sum;
          }
        }
      }
    }
  }
}
