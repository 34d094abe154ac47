package org.relief.spark.sweep;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.DatasetKind;
import org.relief.model.experiment.IterativePruning;
import org.relief.model.net.NetworkSpec;
import org.relief.spark.SparkExecution;
import org.relief.spark.SparkSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep's pending trials and records each outcome in its {@link SweepLedger} as it
 * arrives, one progress line per finished trial.
 *
 * <ul>
 *   <li>per-task: every trial is its own single-task Spark job (its own job group), all
 *       submitted at once; Spark starts each on the next free task slot, so trials spread over
 *       all executors and concurrency is executors × cores ÷ {@code spark.task.cpus}. The task
 *       runs its trial in a child JVM ({@code trial-jvm = fork}) or in its own.
 *   <li>distributed: trials run from the driver, {@code max-concurrent-trials} at a time, each
 *       using the cluster for its statistics (and its training if {@code spark.training = spark}).
 * </ul>
 */
public final class SweepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

  private final JavaSparkContext sc;
  private final SparkSettings spark;
  private final long start = System.nanoTime();

  public SweepRunner(JavaSparkContext sc, SparkSettings spark) {
    this.sc = sc;
    this.spark = spark;
  }

  /** The mode the sweep runs in: {@code auto} decided by the largest network among the trials. */
  public static SweepSettings.Mode mode(SweepPlan plan) {
    if (plan.settings().mode() != SweepSettings.Mode.AUTO) {
      return plan.settings().mode();
    }
    long largest = 0;
    Map<String, Long> seen = new LinkedHashMap<>();
    for (Trial t : plan.trials()) {
      if (t.invalid() != null) {
        continue;
      }
      ExperimentSettings s = settings(t);
      DatasetKind k = s.dataset().kind();
      largest = Math.max(largest, seen.computeIfAbsent(s.architecture().id() + "/" + k.id(), key ->
          new NetworkSpec(s.architecture(), k.channels(), k.height(), k.width(), k.classes(), 0).build().layout().numParams()));
    }
    return largest < SweepSettings.PER_TASK_LIMIT ? SweepSettings.Mode.PER_TASK : SweepSettings.Mode.DISTRIBUTED;
  }

  public void run(SweepLedger ledger) {
    runOnly(ledger, Integer.MAX_VALUE);
  }

  /** Runs at most {@code limit} of the pending trials (a benchmark's warm-up runs one). */
  public void runOnly(SweepLedger ledger, int limit) {
    List<Trial> pending = ledger.pending();
    pending = pending.subList(0, Math.min(limit, pending.size()));
    SweepSettings.Mode mode = mode(ledger.plan());
    LOG.info("[{}] {} trials, {} to run, mode {}, output {}", ledger.plan().settings().name(),
        ledger.plan().trials().size(), pending.size(), mode.id(), ledger.uri());
    // baselines paired with an NNrelief trial of this batch run in a second wave, after it
    List<Trial> first = new ArrayList<>();
    List<Trial> second = new ArrayList<>();
    for (Trial t : pending) {
      (t.matches() != null && ledger.state(t.matches()) != TrialState.DONE ? second : first).add(t);
    }
    runWave(ledger, first, mode);
    List<Trial> ready = new ArrayList<>();
    for (Trial t : second) {
      TrialState sibling = ledger.state(t.matches());
      if (sibling == TrialState.DONE) {
        ready.add(t);
      } else if (sibling == TrialState.FAILED) {
        report(ledger, TrialOutcome.failed(t.id(), "the NNrelief trial " + t.matches()
            + " whose remaining % this baseline matches failed", 0), 0, 1);
      } // else it was not in this batch: the baseline stays pending
    }
    runWave(ledger, ready, mode);
  }

  private void runWave(SweepLedger ledger, List<Trial> trials, SweepSettings.Mode mode) {
    if (trials.isEmpty()) {
      return;
    }
    if (mode == SweepSettings.Mode.PER_TASK) {
      perTask(ledger, trials);
    } else {
      distributed(ledger, trials);
    }
  }

  private void perTask(SweepLedger ledger, List<Trial> pending) {
    int slots = Math.max(1, sc.defaultParallelism() / Integer.parseInt(sc.getConf().get("spark.task.cpus", "1")));
    int previousThreads = localThreads(slots);
    String name = ledger.plan().settings().name();
    SweepSettings sweep = ledger.plan().settings();
    boolean fork = sweep.trialJvm() == SweepSettings.TrialJvm.FORK;
    Map<String, JavaFutureAction<List<TrialOutcome>>> running = new LinkedHashMap<>();
    try {
      for (Trial t : pending) {
        TrialTask task = new TrialTask(t, ledger.attempts(t.id()), sweep.maxAttempts(), fork, sweep.trialHeap(), ledger.uri());
        ledger.running(t.id());
        sc.setJobGroup("trial-" + t.id(), "sweep " + name + ": trial " + t.id() + " " + t.params(), false);
        running.put(t.id(), sc.parallelize(List.of(task), 1).map(TrialTask::run).collectAsync());
      }
      sc.clearJobGroup();
      while (!running.isEmpty()) {
        for (Map.Entry<String, JavaFutureAction<List<TrialOutcome>>> e : new ArrayList<>(running.entrySet())) {
          if (e.getValue().isDone()) {
            running.remove(e.getKey());
            report(ledger, outcome(e.getKey(), e.getValue()), running.size(), slots);
          }
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.values().forEach(f -> f.cancel(true));
    } finally {
      restoreThreads(previousThreads);
    }
  }

  private TrialOutcome outcome(String id, JavaFutureAction<List<TrialOutcome>> future) {
    try {
      return future.get().get(0);
    } catch (ExecutionException e) { // Spark gave up on the task: executor lost more than maxFailures times
      return TrialOutcome.failed(id, "Spark task failed: " + TrialTask.describe(e.getCause()), 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TrialOutcome.failed(id, "interrupted", 0);
    }
  }

  private void distributed(SweepLedger ledger, List<Trial> pending) {
    int concurrent = ledger.plan().settings().maxConcurrentTrials();
    ExecutorService pool = Executors.newFixedThreadPool(concurrent);
    List<Future<?>> futures = new ArrayList<>();
    for (Trial t : pending) {
      futures.add(pool.submit(() -> {
        ledger.running(t.id());
        long t0 = System.nanoTime();
        TrialOutcome outcome;
        try {
          sc.setJobGroup("trial-" + t.id(), "sweep " + ledger.plan().settings().name() + ": trial " + t.id(), false);
          new IterativePruning(settings(t), new SparkExecution(sc, spark)).run(false);
          outcome = TrialOutcome.done(t.id(), (System.nanoTime() - t0) / 1e9);
        } catch (Throwable e) {
          outcome = TrialOutcome.failed(t.id(), TrialTask.describe(e), (System.nanoTime() - t0) / 1e9);
        }
        report(ledger, outcome, (int) ledger.count(TrialState.RUNNING) - 1, concurrent);
      }));
    }
    pool.shutdown();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private void report(SweepLedger ledger, TrialOutcome outcome, int stillRunning, int slots) {
    ledger.finished(outcome);
    long total = ledger.plan().trials().size();
    long done = ledger.count(TrialState.DONE);
    long failed = ledger.count(TrialState.FAILED);
    long left = ledger.count(TrialState.PENDING) + ledger.count(TrialState.RUNNING);
    double eta = ledger.meanSeconds() * Math.ceil((double) left / slots);
    String what = outcome.done() ? String.format(Locale.ROOT, "done in %.1fs", outcome.seconds())
        : "FAILED: " + outcome.error();
    LOG.info(String.format(Locale.ROOT, "[%s] trial %s %s | %d/%d done, %d failed, %d running | elapsed %s, eta %s",
        ledger.plan().settings().name(), outcome.id(), what, done, total, failed, Math.max(0, stillRunning),
        clock((System.nanoTime() - start) / 1e9), Double.isNaN(eta) ? "?" : clock(eta)));
  }

  /**
   * A task gets {@code spark.task.cpus} cores, and its ND4J work as many threads. On executors
   * OMP_NUM_THREADS does that; in local[N] the trials are threads of this JVM, which shares one
   * ND4J thread setting, so it is set here for the sweep's duration.
   */
  private int localThreads(int slots) {
    int before = Nd4j.getEnvironment().maxThreads();
    if (sc.isLocal()) {
      int threads = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.factory().blas().setMaxThreads(threads);
    }
    return before;
  }

  private static void restoreThreads(int threads) {
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
  }

  static ExperimentSettings settings(Trial t) {
    return ExperimentSettings.from(ExperimentConfig.merge(ConfigFactory.parseString(t.config()), List.of()));
  }

  private static String clock(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
