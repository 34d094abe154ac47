package org.relief.model.prune;

/**
 * Where a pruning step gets its activity totals from: one JVM looping over batches
 * ({@link LocalActivitySource}) or a Spark job reducing per-partition sums. The step does not
 * care which.
 */
public interface ActivitySource {

  /**
   * Totals of the requested layers over the whole pruning set, for the network with the given
   * flat parameters (already masked).
   */
  ActivityStats collect(float[] params, ActivityRequest request);
}
