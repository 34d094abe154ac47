package org.relief.model.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float batch {@code [n, C, ...]} (NCHW, or {@code [n, C]}; or {@code [n, C, H, W]} in {@link
 * ActivationLayout#CHANNEL_BLOCKS}) as its native buffer, read and written one (sample, channel)
 * plane at a time: how the training layers' Java kernels ({@link ChannelMoments}, {@link
 * BatchNormBackward}, {@link FilterMajorDelta}) walk a batch, channels in parallel, each
 * channel's n planes in turn. The Vector API kernels load and store the same buffer in place
 * through {@link #bytes} ({@link VectorBatchNormPasses}, {@link VectorElementwisePasses}).
 */
record ChannelPlanes(FloatBuffer values, ByteBuffer bytes, int samples, int channels, int plane,
    ActivationLayout layout) {

  /** {@code batch} (NCHW) to read: itself when it is a float c-order array of its own, else such a copy. */
  static ChannelPlanes of(INDArray batch) {
    return of(batch, ActivationLayout.PLANAR);
  }

  /** {@code batch}, laid out as {@code layout}, to read: itself when it is a float c-order array of its own, else such a copy. */
  static ChannelPlanes of(INDArray batch, ActivationLayout layout) {
    if (batch.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("float batches only, got " + batch.dataType());
    }
    return over(isPacked(batch) ? batch : batch.dup('c'), layout);
  }

  /** {@code batch} (NCHW) to write into: it must be a float c-order array of its own (a copy would lose the writes). */
  static ChannelPlanes target(INDArray batch) {
    return target(batch, ActivationLayout.PLANAR);
  }

  /** {@code batch}, laid out as {@code layout}, to write into: a float c-order array of its own. */
  static ChannelPlanes target(INDArray batch, ActivationLayout layout) {
    if (batch.dataType() != DataType.FLOAT || !isPacked(batch)) {
      throw new IllegalArgumentException("a fresh float c-order array to write into, got " + batch.dataType() + " "
          + batch.ordering() + (batch.isView() ? " view" : "") + " " + Arrays.toString(batch.shape()));
    }
    return over(batch, layout);
  }

  /**
   * Whether {@code a} is its whole buffer in c order. ND4J reports a permuted array as c order
   * and not a view (its offset and length are the buffer's): only its strides tell.
   */
  static boolean isPacked(INDArray a) {
    return !a.isView() && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c'));
  }

  /**
   * Whether {@code a} is float32 with c-order strides: one run of its buffer from its offset,
   * views included (a parameter inside the flat parameter buffer is one).
   */
  static boolean isFloatRun(INDArray a) {
    return a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
        && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c'));
  }

  private static ChannelPlanes over(INDArray c, ActivationLayout layout) {
    int n = (int) c.size(0);
    int channels = (int) c.size(1);
    if (layout != ActivationLayout.PLANAR && (c.rank() != 4 || channels % ActivationLayout.BLOCK != 0)) {
      throw new IllegalArgumentException(layout + " needs [n, C, H, W] with C a multiple of " + ActivationLayout.BLOCK
          + ", got " + Arrays.toString(c.shape()));
    }
    ByteBuffer bytes = c.data().asNio().duplicate().order(ByteOrder.nativeOrder());
    return new ChannelPlanes(c.data().asNioFloat(), bytes, n, channels, (int) (c.length() / ((long) n * channels)),
        layout);
  }

  /** Copies plane (sample, channel) into {@code into} (plane values). */
  void read(int sample, int channel, float[] into) {
    int at = offset(sample, channel);
    if (layout == ActivationLayout.PLANAR) {
      values.get(at, into, 0, plane);
      return;
    }
    for (int p = 0, step = layout.pixelStride(); p < plane; p++, at += step) {
      into[p] = values.get(at);
    }
  }

  /** Copies {@code from} (plane values) into plane (sample, channel). */
  void write(int sample, int channel, float[] from) {
    int at = offset(sample, channel);
    if (layout == ActivationLayout.PLANAR) {
      values.put(at, from, 0, plane);
      return;
    }
    for (int p = 0, step = layout.pixelStride(); p < plane; p++, at += step) {
      values.put(at, from[p]);
    }
  }

  /** Where plane (sample, channel) starts in {@link #bytes}, the same buffer in native byte order ({@link ActivationLayout#PLANAR}). */
  int byteOffset(int sample, int channel) {
    if (layout != ActivationLayout.PLANAR) {
      throw new IllegalStateException("a channel's plane is not one run of the buffer in " + layout);
    }
    return offset(sample, channel) * Float.BYTES;
  }

  /**
   * Where block {@code block}'s pixels of sample {@code sample} start in {@link #bytes}: plane ·
   * {@value ActivationLayout#BLOCK} values, a pixel's channels of the block side by side
   * ({@link ActivationLayout#CHANNEL_BLOCKS}).
   */
  int blockByteOffset(int sample, int block) {
    if (layout != ActivationLayout.CHANNEL_BLOCKS) {
      throw new IllegalStateException("no channel blocks in " + layout);
    }
    return offset(sample, block * ActivationLayout.BLOCK) * Float.BYTES;
  }

  private int offset(int sample, int channel) {
    return (int) layout.offset(sample, channel, 0, channels, plane);
  }
}
