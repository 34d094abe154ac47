package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one prunable layer saw and produced on a batch.
 *
 * @param input the layer's input: {@code [N, inputs]} for a dense layer (flattened in C, H, W
 *     order if it follows a convolution), {@code [N, C, H, W]} for a convolution
 * @param output the post-activation output, {@code [N, outputs]} or {@code [N, F, Ho, Wo]};
 *     for the output layer the logits (identity activation, DESIGN.md "The algorithm")
 * @param branch for the second convolution of a residual block, its BatchNorm output before
 *     the shortcut is added, {@code [N, F, Ho, Wo]}; else null
 * @param shortcut for the same layer, the gated shortcut that is added; else null
 */
public record LayerIO(INDArray input, INDArray output, INDArray branch, INDArray shortcut) {
  public LayerIO(INDArray input, INDArray output) {
    this(input, output, null, null);
  }
}
