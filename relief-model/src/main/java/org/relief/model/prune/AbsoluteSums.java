package org.relief.model.prune;

import java.nio.ByteBuffer;
import org.relief.model.VectorApi;

/**
 * The inner loop of {@link SampleSums#addAbs}: {@code sums[v] += |x[r, v]|} over rows r of a
 * float batch read in place from ND4J's native buffer, each |x| widened to double and added in
 * row order. The widening is exact and the additions happen in the same order either way, so
 * {@link VectorAbsoluteSums} (JDK's Vector API) and {@link ScalarAbsoluteSums} give the same bits.
 */
interface AbsoluteSums {

  /** Adds rows [from, to) of {@code width} floats each, row r at byte 4·r·width of {@code data} (native order). */
  void addRows(ByteBuffer data, int from, int to, int width, double[] sums);

  /** The Vector API kernel where the JVM has it, else the plain-Java one. */
  static AbsoluteSums fastest() {
    return Selection.FASTEST;
  }

  /** Made once per JVM. */
  final class Selection {
    static final AbsoluteSums FASTEST = VectorApi.load(AbsoluteSums.class,
        AbsoluteSums.class.getPackageName() + ".VectorAbsoluteSums").orElseGet(ScalarAbsoluteSums::new);

    private Selection() {}
  }
}
