package org.relief.spark;

import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.data.IdxFile;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PassWorkspace;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.ActivityCollector;
import org.relief.model.prune.ActivityRequest;
import org.relief.model.prune.MutableActivityStats;

/**
 * What every executor of one statistics pass needs, broadcast once: how to build the network,
 * its (masked) parameters, what to measure, and where the pruning set is. {@link #add} is the
 * seqOp of the pass's treeAggregate; it runs on executors.
 */
record StatisticsJob(NetworkSpec spec, float[] params, ActivityRequest request, String examples, int failAtBatch)
    implements Serializable {

  /** Per task thread: the network (rebuilt only when the spec changes) and the collector of the current job. */
  private static final ThreadLocal<Cached> CACHE = new ThreadLocal<>();
  /** Batches seen per task attempt, for the test-only fault injection. */
  private static final ConcurrentHashMap<Long, AtomicInteger> BATCHES_PER_ATTEMPT = new ConcurrentHashMap<>();

  /** Per task thread: the task attempt whose end already frees the thread's pass memory. */
  private static final ThreadLocal<Long> RELEASE_REGISTERED = new ThreadLocal<>();

  private record Cached(NetworkSpec spec, ReliefNetwork network, long broadcastId, ActivityCollector collector) {}

  /** Reads one batch of the pruning set from its file and adds its statistics (the treeAggregate seqOp). */
  static MutableActivityStats add(MutableActivityStats stats, BatchRange range, Broadcast<StatisticsJob> broadcast) {
    StatisticsJob job = broadcast.value();
    releasePassMemoryAtTaskEnd();
    job.maybeFail();
    INDArray batch = IdxFile.readFloatRange(new Path(job.examples), range.from(), range.to());
    return collector(broadcast.id(), job).add(stats, batch);
  }

  /**
   * The thread's pass workspace (a batch's activations, a GB or more for the large networks) is
   * reused by the task's later batches and freed when the task ends: the thread goes on to other
   * tasks, retraining among them.
   */
  private static void releasePassMemoryAtTaskEnd() {
    TaskContext task = TaskContext.get();
    if (task == null || Long.valueOf(task.taskAttemptId()).equals(RELEASE_REGISTERED.get())) {
      return;
    }
    RELEASE_REGISTERED.set(task.taskAttemptId());
    task.addTaskCompletionListener((TaskCompletionListener) context -> PassWorkspace.release());
  }

  private static ActivityCollector collector(long broadcastId, StatisticsJob job) {
    Cached cached = CACHE.get();
    if (cached != null && cached.broadcastId == broadcastId) {
      return cached.collector;
    }
    ReliefNetwork network = cached != null && cached.spec.equals(job.spec) ? cached.network : job.spec.buildForStatistics();
    network.setParams(job.params);
    ActivityCollector collector = new ActivityCollector(network, job.request);
    CACHE.set(new Cached(job.spec, network, broadcastId, collector));
    return collector;
  }

  /**
   * Test only ({@code failAtBatch > 0}): the first attempt of partition 0 fails at its batch
   * number {@code failAtBatch}, after earlier batches were already summed into its partial
   * result, which Spark discards with the failed attempt.
   */
  private void maybeFail() {
    TaskContext task = TaskContext.get();
    if (failAtBatch <= 0 || task == null || task.partitionId() != 0 || task.attemptNumber() != 0) {
      return;
    }
    int seen = BATCHES_PER_ATTEMPT.computeIfAbsent(task.taskAttemptId(), k -> new AtomicInteger()).incrementAndGet();
    if (seen == failAtBatch) {
      throw new IllegalStateException("injected fault: statistics task of partition 0, attempt 0, batch " + seen
          + " (relief.spark.fault-injection.fail-first-statistics-task)");
    }
  }
}
