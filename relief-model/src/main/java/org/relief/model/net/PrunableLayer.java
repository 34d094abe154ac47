package org.relief.model.net;

import java.io.Serializable;

/**
 * One layer whose connections NNrelief scores, described by shape alone.
 *
 * <p>A dense layer is described as a 1×1 convolution over a 1×1 map ({@code kernel = 1},
 * {@code inH = inW = outH = outW = 1}), so the two kinds share the same indexing: unit
 * {@code j} (neuron or filter) has {@link #inputs()} connections, each made of
 * {@link #weightsPerConnection()} weights, plus a bias unless the layer has none. Weight {@code w} of connection {@code
 * i} of unit {@code j} sits at {@code (j * inputs + i) * weightsPerConnection + w}: PyTorch's
 * {@code [out, in, kh, kw]} / {@code [out, in]} row-major order.
 *
 * @param name layer name, unique in the network (the DL4J layer name)
 * @param kind dense or convolution
 * @param networkIndex index of the layer in the DL4J network
 * @param outputs neurons or filters
 * @param inputs input units (dense) or input channels (conv)
 * @param kernelH kernel height (1 for dense)
 * @param kernelW kernel width (1 for dense)
 * @param strideH vertical stride (1 for dense)
 * @param strideW horizontal stride (1 for dense)
 * @param padH zero padding rows on each side (0 for dense)
 * @param padW zero padding columns on each side (0 for dense)
 * @param inH input map height (1 for dense)
 * @param inW input map width (1 for dense)
 * @param outH output map height (1 for dense)
 * @param outW output map width (1 for dense)
 * @param logits true for the network's output layer, whose activation counts as identity
 * @param activationIndex index of the network layer whose output is this layer's
 *     post-activation output (the layer itself, or the ReLU after its BatchNorm)
 * @param batchNorm name of the BatchNorm layer right after it, or null
 * @param bias true if the layer has biases (ResNet's convolutions have none)
 * @param residual the gated shortcut added to this layer's (BatchNorm) output before its
 *     activation, or null outside residual blocks
 * @param masked false for a layer whose mask is computed but never applied nor counted (the
 *     reference's ResNet stem, reproduced on request; DESIGN.md "Residual blocks")
 */
public record PrunableLayer(
    String name,
    LayerKind kind,
    int networkIndex,
    int outputs,
    int inputs,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int inH,
    int inW,
    int outH,
    int outW,
    boolean logits,
    int activationIndex,
    String batchNorm,
    boolean bias,
    Residual residual,
    boolean masked)
    implements Serializable {

  /** A layer whose own output is its post-activation output, without BatchNorm. */
  public PrunableLayer(String name, LayerKind kind, int networkIndex, int outputs, int inputs, int kernelH, int kernelW,
      int strideH, int strideW, int padH, int padW, int inH, int inW, int outH, int outW, boolean logits) {
    this(name, kind, networkIndex, outputs, inputs, kernelH, kernelW, strideH, strideW, padH, padW, inH, inW, outH, outW,
        logits, networkIndex, null, true, null, true);
  }

  public PrunableLayer {
    if (outputs <= 0 || inputs <= 0 || kernelH <= 0 || kernelW <= 0) {
      throw new IllegalArgumentException(
          "layer " + name + ": sizes must be positive, got outputs=" + outputs + " inputs=" + inputs
              + " kernel=" + kernelH + "x" + kernelW);
    }
    if (kind == LayerKind.DENSE && (kernelH != 1 || kernelW != 1 || inH != 1 || inW != 1)) {
      throw new IllegalArgumentException("dense layer " + name + " must be described as 1x1");
    }
    if (residual != null && residual.offset() + residual.sourceChannels() > outputs) {
      throw new IllegalArgumentException("layer " + name + ": shortcut channels " + residual.offset() + ".."
          + (residual.offset() + residual.sourceChannels() - 1) + " exceed its " + outputs + " filters");
    }
  }

  /** A fully connected layer with {@code inputs} inputs and {@code outputs} neurons. */
  public static PrunableLayer dense(String name, int networkIndex, int inputs, int outputs, boolean logits) {
    return new PrunableLayer(name, LayerKind.DENSE, networkIndex, outputs, inputs, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, logits);
  }

  /** Weights in one connection: {@code kh·kw} for a convolution, 1 for a dense layer. */
  public int weightsPerConnection() {
    return kernelH * kernelW;
  }

  /** Weights feeding one unit. */
  public int fanIn() {
    return inputs * weightsPerConnection();
  }

  /** All weights of the layer (biases excluded). */
  public long weightCount() {
    return (long) outputs * fanIn();
  }

  /** Values in one sample of the layer's input ({@code C·H·W}, or the input width if dense). */
  public int inputVolume() {
    return inputs * inH * inW;
  }

  /** Output positions per unit ({@code Ho·Wo}, 1 if dense). */
  public int outputPositions() {
    return outH * outW;
  }

  public boolean isConv() {
    return kind == LayerKind.CONV;
  }

  public boolean hasBatchNorm() {
    return batchNorm != null;
  }

  /** Biases in the layer: one per unit, or none. */
  public int biasCount() {
    return bias ? outputs : 0;
  }

  /** Scores per unit: one per input connection, plus the bias's if there is one. */
  public int scoresPerUnit() {
    return inputs + (bias ? 1 : 0);
  }

  public boolean hasResidual() {
    return residual != null;
  }

  /** The same layer, followed by a BatchNorm layer and a separate activation layer. */
  public PrunableLayer withBatchNorm(String batchNormName, int activationLayerIndex) {
    return new PrunableLayer(name, kind, networkIndex, outputs, inputs, kernelH, kernelW, strideH, strideW, padH, padW, inH,
        inW, outH, outW, logits, activationLayerIndex, batchNormName, bias, residual, masked);
  }

  /** The same layer without biases. */
  public PrunableLayer withoutBias() {
    return new PrunableLayer(name, kind, networkIndex, outputs, inputs, kernelH, kernelW, strideH, strideW, padH, padW, inH,
        inW, outH, outW, logits, activationIndex, batchNorm, false, residual, masked);
  }

  /** The same layer with a gated shortcut joining its output. */
  public PrunableLayer withResidual(Residual shortcut) {
    return new PrunableLayer(name, kind, networkIndex, outputs, inputs, kernelH, kernelW, strideH, strideW, padH, padW, inH,
        inW, outH, outW, logits, activationIndex, batchNorm, bias, shortcut, masked);
  }

  /** The same layer, its mask computed but never applied nor counted. */
  public PrunableLayer unmasked() {
    return new PrunableLayer(name, kind, networkIndex, outputs, inputs, kernelH, kernelW, strideH, strideW, padH, padW, inH,
        inW, outH, outW, logits, activationIndex, batchNorm, bias, residual, false);
  }
}
