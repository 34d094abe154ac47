package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one prunable layer saw and produced on a batch.
 *
 * @param input the layer's input: {@code [N, inputs]} for a dense layer (flattened in C, H, W
 *     order if it follows a convolution), {@code [N, C, H, W]} for a convolution
 * @param output the post-activation output, {@code [N, outputs]} or {@code [N, F, Ho, Wo]};
 *     for the output layer the logits (identity activation, DESIGN.md "The algorithm")
 */
public record LayerIO(INDArray input, INDArray output) {}
