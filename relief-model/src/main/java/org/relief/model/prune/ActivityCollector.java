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
 * Frobenius norms of {@link ConvScore#FROBENIUS} come from im2col patches of {@code |x|} and
 * one GEMM per input channel.
 */
public final class ActivityCollector {
  /** Upper bound on floats in one batch of im2col patches, to keep Frobenius memory flat. */
  private static final long MAX_PATCH_VALUES = 1L << 24;

  private static final String WORKSPACE_ID = "relief-activity";
  private static final String CHANNEL_WORKSPACE_ID = "relief-activity-channel";
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .build();

  private final ReliefNetwork network;
  private final ActivityRequest request;
  private final Map<String, INDArray[]> channelKernels = new HashMap<>();

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

  /** For each input channel i, {@code |K[:, i, :, :]|} as a [k², F] matrix: the right side of one GEMM. */
  private static INDArray[] absKernelsByChannel(PrunableLayer layer, float[] canonicalWeights) {
    int c = layer.inputs();
    INDArray k = Transforms.abs(Nd4j.createFromArray(canonicalWeights), false)
        .reshape('c', layer.outputs(), c, layer.weightsPerConnection());
    INDArray[] byChannel = new INDArray[c];
    for (int i = 0; i < c; i++) {
      byChannel[i] = k.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()).transpose().dup('c');
    }
    return byChannel;
  }

  /**
   * Σ_n ‖|K_ji| ⋆ |x_ni|‖_F for every filter j and input channel i, index j·C + i. The im2col
   * patches of |x| (at the layer's stride and padding) are regrouped by channel once; then
   * for each channel one GEMM, patches [b·P, k²] × |K_i| [k², F], gives every filter's
   * correlation map with that channel for every sample. Each map's squares are summed over its
   * positions natively in float (at most P terms; a Java loop over the b·P·F values was a whole
   * forward pass's worth of time on VGG-like), and the norms over samples in double.
   */
  private static double[] frobeniusSums(PrunableLayer layer, INDArray input, INDArray[] kernels) {
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
    float[] norms = new float[0];
    for (long start = 0; start < n; start += chunk) {
      int b = (int) (Math.min(n, start + chunk) - start);
      INDArray x = Transforms.abs(input.get(NDArrayIndex.interval(start, start + b)), true);
      INDArray byChannel = Nd4j.cnn().im2Col(x, conv) // [b, C, kh, kw, oh, ow]
          .permute(1, 0, 4, 5, 2, 3).dup('c'); // [C, b, oh, ow, kh, kw]
      if (norms.length != b * f) {
        norms = new float[b * f];
      }
      for (int i = 0; i < c; i++) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, CHANNEL_WORKSPACE_ID)) {
          INDArray patches = byChannel.get(NDArrayIndex.point(i)).reshape('c', (long) b * positions, kk);
          INDArray maps = patches.mmul(kernels[i]); // [b·P, F]
          // squares summed over positions natively (float, ≤ P terms), square root per sample
          INDArray squares = maps.muli(maps).reshape('c', b, positions, f).sum(1); // [b, F]
          Transforms.sqrt(squares, false).data().asNioFloat().get(norms);
          for (int sample = 0; sample < b; sample++) {
            for (int j = 0; j < f; j++) {
              sums[j * c + i] += norms[sample * f + j];
            }
          }
        }
      }
    }
    return sums;
  }
}
