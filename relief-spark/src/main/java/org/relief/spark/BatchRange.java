package org.relief.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** Examples {@code from} (inclusive) to {@code to} (exclusive) of the pruning set: one forward pass on an executor. */
record BatchRange(int from, int to) implements Serializable {

  /** [0, n) cut into batches of at most {@code batch} examples, in order. */
  static List<BatchRange> cover(int n, int batch) {
    List<BatchRange> out = new ArrayList<>();
    for (int start = 0; start < n; start += batch) {
      out.add(new BatchRange(start, Math.min(n, start + batch)));
    }
    return out;
  }
}
