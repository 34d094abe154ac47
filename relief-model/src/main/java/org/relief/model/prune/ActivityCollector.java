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
  private final Map<String, INDArray> channelKernels = new HashMap<>();

  /** The network's parameters are read as they are now; set them before creating a collector. */
  public ActivityCollector(ReliefNetwork network, ActivityRequest request) {
    this.network = network;
    this.request = request;
    if (request.convScore().needsPerSampleNorms()) {
      for (String name : request.layers()) {
        PrunableLayer layer = network.topology().layer(name);
        if (layer.isConv()) {
          channelKernels.put(name, absKernelsByChannel(layer, network.weights(name)));
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
      double[] frobenius = channelKernels.containsKey(name)
          ? frobeniusSums(layer, layerIO.input(), channelKernels.get(name))
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

  /** {@code |K|} regrouped by input channel: {@code [C, F, k²]}, row (i, j) is filter j's kernel on channel i. */
  private static INDArray absKernelsByChannel(PrunableLayer layer, float[] canonicalWeights) {
    return Transforms.abs(Nd4j.createFromArray(canonicalWeights), false)
        .reshape('c', layer.outputs(), layer.inputs(), layer.weightsPerConnection())
        .permute(1, 0, 2).dup('c');
  }

  /**
   * Σ_n ‖|K_ji| ⋆ |x_ni|‖_F for every filter j and input channel i, index j·C + i, without
   * forming the correlation maps: with x_nip the k² values of |x_ni| under the kernel at output
   * position p, ‖|K_ji| ⋆ |x_ni|‖_F² = Σ_p (k_ji·x_nip)² = k_jiᵀ G_ni k_ji, where
   * G_ni = Σ_p x_nip x_nipᵀ is a k²×k² Gram matrix. So: im2col patches of |x| (the layer's
   * stride and padding), one batched GEMM for every sample's and channel's Gram matrix, then for
   * groups of channels one batched GEMM K_i G_ni and a row-wise dot with K_i. All terms are
   * non-negative (no cancellation in float); the norms are summed over samples in double.
   * Cost ≈ b·C·k²·(k²·P + k²·F) against b·C·k²·P·F for the maps (a GEMM per channel and a
   * [b·P, F] map to square: 2.9× and 5.9× a forward pass on ResNet-20 and VGG-like).
   */
  private static double[] frobeniusSums(PrunableLayer layer, INDArray input, INDArray kernels) {
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
        addChunk(sums, input, start, (int) (Math.min(n, start + chunk) - start), conv, kernels, c, f, positions, kk);
      }
    }
    return sums;
  }

  /** Adds the Frobenius norms of samples [start, start + b) to {@code sums}. */
  private static void addChunk(double[] sums, INDArray input, long start, int b, Conv2DConfig conv, INDArray kernels,
      int c, int f, int positions, int kk) {
    INDArray x = Transforms.abs(input.get(NDArrayIndex.interval(start, start + b)), true);
    INDArray patches = Nd4j.cnn().im2Col(x, conv).reshape('c', (long) b * c, kk, positions); // [b·C, k², P]
    INDArray gram = Nd4j.matmul(patches, patches, false, true, false); // [b·C, k², k²]
    INDArray byChannel = gram.reshape('c', b, c, kk, kk).permute(1, 2, 0, 3).dup('c')
        .reshape('c', c, kk, (long) b * kk); // [C, k², b·k²]: G_ni side by side for each channel
    int group = (int) Math.max(1, Math.min(c, MAX_PATCH_VALUES / ((long) f * b * kk)));
    for (int i0 = 0; i0 < c; i0 += group) {
      int g = Math.min(group, c - i0);
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, CHANNEL_WORKSPACE_ID)) {
        INDArray k = kernels.get(NDArrayIndex.interval(i0, i0 + g), NDArrayIndex.all(), NDArrayIndex.all()); // [g, F, k²]
        INDArray kg = Nd4j.matmul(k, byChannel.get(NDArrayIndex.interval(i0, i0 + g), NDArrayIndex.all(),
            NDArrayIndex.all())) // [g, F, b·k²]
            .reshape('c', g, f, b, kk);
        INDArray kRepeated = k.reshape('c', g, f, 1, kk).broadcast(g, f, b, kk);
        float[] norms = Transforms.sqrt(kg.muli(kRepeated).sum(3), false).dup('c').data().asFloat(); // [g, F, b]
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
