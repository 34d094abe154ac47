package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.pooling.GlobalPoolingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ChannelBlockAveragePooling} at work: y[s, c] = mean over the pixels of channel c, read
 * from channel blocks (a pixel's 16 channels of a block side by side); backward, each pixel of
 * channel c gets ∂L/∂y[s, c] / pixels. Samples in parallel, sums in double.
 */
final class ChannelBlockAveragePoolingLayer extends GlobalPoolingLayer {
  private static final int BLOCK = ActivationLayout.BLOCK;

  ChannelBlockAveragePoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    ChannelPlanes x = ChannelPlanes.of(input, ActivationLayout.CHANNEL_BLOCKS);
    int channels = x.channels();
    int plane = x.plane();
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {x.samples(), channels}, 'c');
    FloatBuffer to = ChannelPlanes.target(out).values();
    FloatBuffer from = x.values();
    IntStream.range(0, x.samples()).parallel().forEach(s -> {
      double[] sums = new double[BLOCK];
      for (int b = 0; b < channels / BLOCK; b++) {
        java.util.Arrays.fill(sums, 0);
        int at = (int) ActivationLayout.CHANNEL_BLOCKS.offset(s, b * BLOCK, 0, channels, plane);
        for (int p = 0; p < plane; p++) {
          for (int l = 0; l < BLOCK; l++) {
            sums[l] += from.get(at++);
          }
        }
        for (int l = 0; l < BLOCK; l++) {
          to.put(s * channels + b * BLOCK + l, (float) (sums[l] / plane));
        }
      }
    });
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    ChannelPlanes dy = ChannelPlanes.of(epsilon);
    INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    ChannelPlanes to = ChannelPlanes.target(dx, ActivationLayout.CHANNEL_BLOCKS);
    int channels = to.channels();
    int plane = to.plane();
    FloatBuffer from = dy.values();
    FloatBuffer into = to.values();
    IntStream.range(0, to.samples()).parallel().forEach(s -> {
      float[] share = new float[BLOCK];
      for (int b = 0; b < channels / BLOCK; b++) {
        for (int l = 0; l < BLOCK; l++) {
          share[l] = from.get(s * channels + b * BLOCK + l) / plane;
        }
        int at = (int) ActivationLayout.CHANNEL_BLOCKS.offset(s, b * BLOCK, 0, channels, plane);
        for (int p = 0; p < plane; p++) {
          into.put(at, share);
          at += BLOCK;
        }
      }
    });
    return new Pair<>(new DefaultGradient(), dx);
  }
}
