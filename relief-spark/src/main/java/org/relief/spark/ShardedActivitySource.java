package org.relief.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.data.IdxFile;
import org.relief.model.io.HadoopFiles;
import org.relief.model.net.LayerKind;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.NetworkTopology;
import org.relief.model.prune.ActivityRequest;
import org.relief.model.prune.ActivitySource;
import org.relief.model.prune.ActivityStats;
import org.relief.model.prune.MutableActivityStats;

/**
 * Activity statistics computed on executors (DESIGN.md "Two passes, additive statistics"):
 * the pruning set is written once as an IDX file beside the run; each statistics pass
 * broadcasts the network's spec and parameters, every executor reads its own batches of the
 * pruning set from that file, sums their statistics, and one {@code treeAggregate} merges the
 * sums on the driver. Only successful task attempts contribute, so a retried task never counts
 * twice (no accumulators).
 */
public final class ShardedActivitySource implements ActivitySource {
  private final JavaSparkContext sc;
  private final NetworkSpec spec;
  private final NetworkTopology topology;
  private final String examples;
  private final int count;
  private final int batchSize;
  private final int partitions;
  private final int treeDepth;
  private final Supplier<String> phase;
  private boolean injectFault;

  /**
   * Writes the pruning set to {@code directory/pruning-set.idx}, where executors read it.
   *
   * @param examples the pruning set in the network's input shape
   * @param directory a directory every executor can read (the run's output directory)
   * @param phase what the run is doing, for the Spark job description
   */
  public ShardedActivitySource(JavaSparkContext sc, NetworkSpec spec, INDArray examples, int batchSize,
      String directory, SparkSettings settings, Supplier<String> phase) {
    this.sc = sc;
    this.spec = spec;
    this.topology = spec.build().topology();
    Path file = new Path(HadoopFiles.path(directory), "pruning-set.idx");
    try {
      HadoopFiles.fileSystem(file).mkdirs(file.getParent());
      HadoopFiles.writeAtomically(file, out -> IdxFile.writeFloats(out, examples));
    } catch (IOException e) {
      throw new UncheckedIOException("writing the pruning set to " + file, e);
    }
    this.examples = HadoopFiles.fileSystem(file).makeQualified(file).toString();
    this.count = (int) examples.size(0);
    this.batchSize = batchSize;
    this.partitions = settings.partitions() > 0 ? settings.partitions() : sc.defaultParallelism();
    this.treeDepth = settings.treeDepth();
    this.phase = phase;
    this.injectFault = settings.failFirstStatisticsTask();
  }

  @Override
  public ActivityStats collect(float[] params, ActivityRequest request) {
    List<BatchRange> batches = BatchRange.cover(count, batchSize);
    int slices = Math.min(partitions, batches.size());
    int failAt = injectFault ? Math.min(2, batches.size() / slices) : 0; // partition 0 holds size / slices batches
    injectFault = false;
    Broadcast<StatisticsJob> job = sc.broadcast(new StatisticsJob(spec, params, request, examples, failAt));
    sc.setJobGroup("relief-statistics", phase.get() + ": " + kinds(request) + " statistics", false);
    try {
      MutableActivityStats zero = new MutableActivityStats(topology, request);
      return sc.parallelize(batches, slices)
          .treeAggregate(zero, (stats, batch) -> StatisticsJob.add(stats, batch, job), MutableActivityStats::merge,
              treeDepth)
          .snapshot();
    } finally {
      sc.clearJobGroup();
      job.destroy();
    }
  }

  private String kinds(ActivityRequest request) {
    boolean conv = request.layers().stream().allMatch(l -> topology.layer(l).kind() == LayerKind.CONV);
    boolean dense = request.layers().stream().allMatch(l -> topology.layer(l).kind() == LayerKind.DENSE);
    return conv ? "conv" : dense ? "dense" : "layer";
  }
}
