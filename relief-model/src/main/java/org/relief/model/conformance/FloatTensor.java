package org.relief.model.conformance;

import java.util.Arrays;

/**
 * A float32 tensor read from a fixture: C-order values and their shape.
 *
 * @param name the manifest's name for it, e.g. {@code fc1.weight}
 * @param file the file it was read from, for messages
 */
public record FloatTensor(String name, String file, long[] shape, float[] values) {
  public long size() {
    return values.length;
  }

  public boolean hasShape(long... expected) {
    return Arrays.equals(shape, expected);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
