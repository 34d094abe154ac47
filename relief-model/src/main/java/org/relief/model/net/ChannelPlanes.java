package org.relief.model.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float batch {@code [n, C, ...]} (NCHW, or {@code [n, C]}) as its native buffer, read and
 * written one (sample, channel) plane at a time: how the training layers' Java kernels
 * ({@link ChannelMoments}, {@link BatchNormBackward}, {@link FilterMajorDelta}) walk a batch,
 * channels in parallel, each channel's n planes in turn. The Vector API kernels load and store
 * the same buffer in place through {@link #bytes} ({@link VectorBatchNormPasses},
 * {@link VectorElementwisePasses}).
 */
record ChannelPlanes(FloatBuffer values, ByteBuffer bytes, int samples, int channels, int plane) {

  /** {@code batch} to read: itself when it is a float c-order array of its own, else such a copy. */
  static ChannelPlanes of(INDArray batch) {
    if (batch.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException("float batches only, got " + batch.dataType());
    }
    return over(isPacked(batch) ? batch : batch.dup('c'));
  }

  /** {@code batch} to write into: it must be a float c-order array of its own (a copy would lose the writes). */
  static ChannelPlanes target(INDArray batch) {
    if (batch.dataType() != DataType.FLOAT || !isPacked(batch)) {
      throw new IllegalArgumentException("a fresh float c-order array to write into, got " + batch.dataType() + " "
          + batch.ordering() + (batch.isView() ? " view" : "") + " " + Arrays.toString(batch.shape()));
    }
    return over(batch);
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

  private static ChannelPlanes over(INDArray c) {
    int n = (int) c.size(0);
    int channels = (int) c.size(1);
    ByteBuffer bytes = c.data().asNio().duplicate().order(ByteOrder.nativeOrder());
    return new ChannelPlanes(c.data().asNioFloat(), bytes, n, channels, (int) (c.length() / ((long) n * channels)));
  }

  /** Copies plane (sample, channel) into {@code into} (plane values). */
  void read(int sample, int channel, float[] into) {
    values.get(offset(sample, channel), into, 0, plane);
  }

  /** Copies {@code from} (plane values) into plane (sample, channel). */
  void write(int sample, int channel, float[] from) {
    values.put(offset(sample, channel), from, 0, plane);
  }

  /** Where plane (sample, channel) starts in {@link #bytes}, the same buffer in native byte order. */
  int byteOffset(int sample, int channel) {
    return offset(sample, channel) * Float.BYTES;
  }

  private int offset(int sample, int channel) {
    return (sample * channels + channel) * plane;
  }
}
