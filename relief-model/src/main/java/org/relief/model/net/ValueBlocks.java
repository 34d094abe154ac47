package org.relief.model.net;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * How the plain-Java elementwise training passes ({@link ScalarElementwisePasses}) walk a float
 * batch: its values in blocks small enough that two blocks of a task stay in L1, a few
 * contiguous runs of blocks per core, in parallel.
 */
final class ValueBlocks {
  /** Floats per block. */
  static final int BLOCK = 4096;

  private ValueBlocks() {}

  /** One block: values {@code [from, from + count)}, with two scratch arrays of {@link #BLOCK} floats of its task. */
  interface Kernel {
    void run(int from, int count, float[] first, float[] second);
  }

  static void forEach(long length, Kernel kernel) {
    int n = Math.toIntExact(length);
    int blocks = (n + BLOCK - 1) / BLOCK;
    int tasks = Math.min(blocks, 4 * ForkJoinPool.getCommonPoolParallelism());
    IntStream.range(0, tasks).parallel().forEach(task -> {
      float[] first = new float[BLOCK];
      float[] second = new float[BLOCK];
      for (long b = (long) blocks * task / tasks, end = (long) blocks * (task + 1) / tasks; b < end; b++) {
        int from = (int) b * BLOCK;
        kernel.run(from, Math.min(BLOCK, n - from), first, second);
      }
    });
  }
}
