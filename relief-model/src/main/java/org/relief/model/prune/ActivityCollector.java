package org.relief.model.prune;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.relief.model.net.LayerIO;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/**
 * Runs batches through a network and adds their activity sums to a {@link MutableActivityStats}.
 *
 * <p>Forward passes run in float32 as the network does; every sum over samples is taken in
 * float64 (the conformance fixtures have selection margins down to ~1e-7 relative). The
 * Frobenius norms of {@link ConvScore#FROBENIUS} come from one depthwise convolution of
 * {@code |x|} with {@code |K|} per batch, the channel multiplier being the number of filters.
 */
public final class ActivityCollector {
  /** Upper bound on floats in one depthwise output, to keep Frobenius memory flat. */
  private static final long MAX_DEPTHWISE_VALUES = 1L << 24;

  private final ReliefNetwork network;
  private final ActivityRequest request;
  private final Map<String, INDArray> depthwiseKernels = new HashMap<>();

  /** The network's parameters are read as they are now; set them before creating a collector. */
  public ActivityCollector(ReliefNetwork network, ActivityRequest request) {
    this.network = network;
    this.request = request;
    if (request.convScore().needsPerSampleNorms()) {
      for (String name : request.layers()) {
        PrunableLayer layer = network.topology().layer(name);
        if (layer.isConv()) {
          depthwiseKernels.put(name, depthwiseAbsKernels(layer, network.weights(name)));
        }
      }
    }
  }

  /** Zero sums for this collector's layers. */
  public MutableActivityStats newStats() {
    return new MutableActivityStats(network.topology(), request);
  }

  /** Adds one batch (in the network's input shape) to {@code stats} and returns it. */
  public MutableActivityStats add(MutableActivityStats stats, INDArray batch) {
    long n = batch.size(0);
    Map<String, LayerIO> io = network.forward(batch, request.layers());
    for (String name : request.layers()) {
      PrunableLayer layer = network.topology().layer(name);
      LayerIO layerIO = io.get(name);
      double[] inputAbs = sumOverSamples(Transforms.abs(layerIO.input().castTo(DataType.DOUBLE), false));
      double[] outputAbs = unitSums(layer, layerIO.output());
      double[] frobenius = depthwiseKernels.containsKey(name)
          ? frobeniusSums(layer, layerIO.input(), depthwiseKernels.get(name))
          : null;
      stats.add(name, n, inputAbs, outputAbs, frobenius);
    }
    return stats;
  }

  /** Σ_n of a [N, ...] double array, flattened in C order. */
  private static double[] sumOverSamples(INDArray values) {
    return values.sum(0).reshape(-1).toDoubleVector();
  }

  /** Σ_n Σ_positions |output| per unit. Summed in float: only "exactly zero or not" matters. */
  private static double[] unitSums(PrunableLayer layer, INDArray output) {
    INDArray abs = Transforms.abs(output, true);
    INDArray perUnit = layer.isConv() ? abs.sum(0, 2, 3) : abs.sum(0);
    return perUnit.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
  }

  /** Weights [kH, kW, inputs, outputs] = |K[out, in, kh, kw]|, libnd4j's depthwise layout. */
  private static INDArray depthwiseAbsKernels(PrunableLayer layer, float[] canonicalWeights) {
    INDArray k = Nd4j.createFromArray(canonicalWeights)
        .reshape('c', layer.outputs(), layer.inputs(), layer.kernelH(), layer.kernelW());
    return Transforms.abs(k, true).permute(2, 3, 1, 0).dup('c');
  }

  /** Σ_n ‖|K_ji| ⋆ |x_ni|‖_F for every filter j and input channel i, index j·C + i. */
  private static double[] frobeniusSums(PrunableLayer layer, INDArray input, INDArray kernels) {
    int c = layer.inputs();
    int f = layer.outputs();
    long n = input.size(0);
    long perSample = (long) c * f * layer.outputPositions();
    long chunk = Math.max(1, Math.min(n, MAX_DEPTHWISE_VALUES / Math.max(1, perSample)));
    Conv2DConfig conv = Conv2DConfig.builder()
        .kH(layer.kernelH()).kW(layer.kernelW())
        .sH(layer.strideH()).sW(layer.strideW())
        .pH(layer.padH()).pW(layer.padW())
        .dH(1).dW(1)
        .paddingMode(PaddingMode.VALID)
        .dataFormat(Conv2DConfig.NCHW)
        .build();
    double[] channelMajor = new double[c * f];
    for (long start = 0; start < n; start += chunk) {
      long end = Math.min(n, start + chunk);
      INDArray x = Transforms.abs(input.get(NDArrayIndex.interval(start, end)), true);
      INDArray maps = Nd4j.cnn().depthWiseConv2d(x, kernels, conv); // [b, C*F, Ho, Wo], channel i*F + j
      INDArray norms = Transforms.sqrt(maps.muli(maps).sum(2, 3), false); // [b, C*F]
      double[] sums = norms.castTo(DataType.DOUBLE).sum(0).toDoubleVector();
      for (int k = 0; k < sums.length; k++) {
        channelMajor[k] += sums[k];
      }
    }
    double[] unitMajor = new double[c * f];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < f; j++) {
        unitMajor[j * c + i] = channelMajor[i * f + j];
      }
    }
    return unitMajor;
  }
}
