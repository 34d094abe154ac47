package org.relief.model.net;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A small array's values read into and written from Java arrays in one bulk copy of its buffer,
 * where it is a packed float array or view (a parameter, or its gradient, inside DL4J's flat
 * buffers): ND4J's own {@code toFloatVector}, {@code assign} and arithmetic on arrays of a few
 * dozen values cost ~20–100 µs a call, ~5 % of a ResNet-20 training step over its 19 BatchNorm
 * layers (docs/BENCHMARKS.md). Anything else goes through ND4J.
 */
final class ArrayValues {
  private ArrayValues() {}

  /**
   * The values of {@code a} in c order. {@code asNioFloat()} spans the whole buffer a view lies
   * in, so the view's offset is added.
   */
  static float[] read(INDArray a) {
    float[] values = new float[Math.toIntExact(a.length())];
    if (ChannelPlanes.isFloatRun(a)) {
      a.data().asNioFloat().get(Math.toIntExact(a.offset()), values);
    } else {
      a.castTo(DataType.FLOAT).dup('c').data().asNioFloat().get(0, values);
    }
    return values;
  }

  /** Writes {@code values} (c order) into {@code a}: in place in its buffer, as {@link #read}, when it is a packed float array. */
  static void write(float[] values, INDArray a) {
    if (values.length != a.length()) {
      throw new IllegalArgumentException(values.length + " values for an array of " + a.length());
    }
    if (ChannelPlanes.isFloatRun(a)) {
      a.data().asNioFloat().put(Math.toIntExact(a.offset()), values);
    } else {
      a.assign(Nd4j.createFromArray(values).reshape(a.shape()).castTo(a.dataType()));
    }
  }
}
