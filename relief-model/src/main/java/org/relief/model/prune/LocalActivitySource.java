package org.relief.model.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;

/**
 * Activity totals computed in this JVM over a pruning set held in memory.
 *
 * <p>The set may be cut into {@code shards} contiguous shards whose sums are merged, exactly
 * what a Spark job does across partitions; with one shard it is a plain loop over batches.
 */
public final class LocalActivitySource implements ActivitySource {
  private final ReliefNetwork scratch;
  private final INDArray examples;
  private final int batchSize;
  private final int shards;

  /**
   * @param spec how to build the network the statistics run on (a private copy in {@link
   *     NetworkSpec#buildForStatistics}'s form is built)
   * @param examples the pruning set in the network's input shape
   * @param batchSize examples per forward pass
   * @param shards number of shards whose sums are merged (1 = no sharding)
   */
  public LocalActivitySource(NetworkSpec spec, INDArray examples, int batchSize, int shards) {
    if (batchSize <= 0 || shards <= 0 || shards > examples.size(0)) {
      throw new IllegalArgumentException("need batchSize > 0 and 0 < shards <= " + examples.size(0)
          + ", got batchSize=" + batchSize + " shards=" + shards);
    }
    this.scratch = spec.buildForStatistics();
    this.examples = examples;
    this.batchSize = batchSize;
    this.shards = shards;
  }

  @Override
  public ActivityStats collect(float[] params, ActivityRequest request) {
    scratch.setParams(params);
    ActivityCollector collector = new ActivityCollector(scratch, request);
    long n = examples.size(0);
    MutableActivityStats total = null;
    for (int s = 0; s < shards; s++) {
      long from = n * s / shards;
      long to = n * (s + 1) / shards;
      MutableActivityStats shard = collector.newStats();
      for (long start = from; start < to; start += batchSize) {
        long end = Math.min(to, start + batchSize);
        collector.add(shard, examples.get(NDArrayIndex.interval(start, end)));
      }
      total = total == null ? shard : total.merge(shard);
    }
    return total.snapshot();
  }
}
