package org.relief.spark.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.relief.model.ReliefInputException;
import org.relief.model.config.Identified;

/** The {@code relief.sweep} keys other than the grid and the trials (documented in reference.conf). */
public record SweepSettings(String name, String output, Mode mode, int maxConcurrentTrials, int maxAttempts,
    TrialJvm trialJvm, String trialHeap) {

  /** Where a per-task trial runs inside its Spark task. */
  public enum TrialJvm implements Identified {
    /** A child JVM per trial (default). */
    FORK("fork"),
    /** The executor's own JVM. */
    IN_TASK("in-task");

    private final String id;

    TrialJvm(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }
  }

  /** How trials are spread over the cluster. */
  public enum Mode implements Identified {
    /** per-task for networks under {@link #PER_TASK_LIMIT} parameters, else distributed. */
    AUTO("auto"),
    /** One Spark task runs one whole trial on its executor. */
    PER_TASK("per-task"),
    /** Trials from the driver, each using the cluster for statistics and retraining. */
    DISTRIBUTED("distributed");

    private final String id;

    Mode(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }
  }

  /** Parameters below which {@code auto} runs trials as single Spark tasks. */
  public static final long PER_TASK_LIMIT = 2_000_000;

  public static SweepSettings from(Config config) {
    try {
      Config c = config.getConfig("relief.sweep");
      String name = c.getString("name");
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new ReliefInputException(c.getValue("name").origin().description() + ": relief.sweep.name = \"" + name
            + "\" must be non-empty letters, digits, '.', '_' or '-'");
      }
      String output = c.getString("output");
      Mode mode;
      try {
        mode = Identified.parse(Mode.values(), c.getString("mode"), "sweep mode");
      } catch (ReliefInputException e) {
        throw new ReliefInputException(c.getValue("mode").origin().description() + ": relief.sweep.mode " + e.getMessage());
      }
      int concurrent = c.getInt("max-concurrent-trials");
      int attempts = c.getInt("max-attempts");
      if (concurrent < 1 || attempts < 1) {
        throw new ReliefInputException("relief.sweep.max-concurrent-trials and max-attempts must be >= 1, got "
            + concurrent + " and " + attempts);
      }
      TrialJvm jvm;
      try {
        jvm = Identified.parse(TrialJvm.values(), c.getString("trial-jvm"), "trial JVM");
      } catch (ReliefInputException e) {
        throw new ReliefInputException(c.getValue("trial-jvm").origin().description() + ": relief.sweep.trial-jvm "
            + e.getMessage());
      }
      String heap = c.getString("trial-heap");
      if (!heap.matches("[0-9]+[kKmMgG]?")) {
        throw new ReliefInputException(c.getValue("trial-heap").origin().description() + ": relief.sweep.trial-heap = \""
            + heap + "\" is not a JVM heap size such as 2g");
      }
      return new SweepSettings(name, output.isBlank() ? "runs/sweeps/" + name : output, mode, concurrent, attempts, jvm,
          heap);
    } catch (ConfigException e) {
      throw new ReliefInputException(e.getMessage(), e);
    }
  }
}
