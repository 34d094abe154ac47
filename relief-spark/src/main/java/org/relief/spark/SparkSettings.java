package org.relief.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.relief.model.ReliefInputException;
import org.relief.model.config.Identified;

/**
 * The {@code relief.spark} keys (documented in relief-spark's {@code reference.conf}), read and
 * checked once.
 */
public record SparkSettings(String master, Place statistics, int partitions, int treeDepth, Place training,
    int averagingFrequency, int workerPrefetch, boolean failFirstStatisticsTask) {

  /** Where a kind of work runs. */
  public enum Place implements Identified {
    LOCAL("local"),
    SPARK("spark");

    private final String id;

    Place(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }
  }

  public static SparkSettings from(Config config) {
    try {
      Config c = config.getConfig("relief.spark");
      SparkSettings s = new SparkSettings(
          c.getString("master"),
          place(c, "statistics"),
          c.getInt("partitions"),
          c.getInt("tree-depth"),
          place(c, "training"),
          c.getInt("averaging-frequency"),
          c.getInt("worker-prefetch"),
          c.getBoolean("fault-injection.fail-first-statistics-task"));
      check(c, "partitions", s.partitions >= 0, ">= 0");
      check(c, "tree-depth", s.treeDepth >= 1, ">= 1");
      check(c, "averaging-frequency", s.averagingFrequency >= 1, ">= 1");
      check(c, "worker-prefetch", s.workerPrefetch >= 0, ">= 0");
      if (s.training == Place.SPARK && config.hasPath("relief.train.retrain-compact")
          && config.getBoolean("relief.train.retrain-compact")) {
        throw new ReliefInputException(c.getValue("training").origin().description()
            + ": relief.spark.training = spark cannot retrain compact networks (relief.train.retrain-compact = true):"
            + " parameter averaging trains the network the configuration builds; use one of the two");
      }
      return s;
    } catch (ConfigException e) {
      throw new ReliefInputException(e.getMessage(), e);
    }
  }

  /** True if anything runs on Spark, so a Spark context is needed. */
  public boolean needsSpark() {
    return statistics == Place.SPARK || training == Place.SPARK;
  }

  private static Place place(Config c, String key) {
    try {
      return Identified.parse(Place.values(), c.getString(key), "place");
    } catch (ReliefInputException e) {
      throw new ReliefInputException(c.getValue(key).origin().description() + ": relief.spark." + key + " "
          + e.getMessage());
    }
  }

  private static void check(Config c, String key, boolean ok, String rule) {
    if (!ok) {
      throw new ReliefInputException(c.getValue(key).origin().description() + ": relief.spark." + key + " = "
          + c.getValue(key).render() + " must be " + rule);
    }
  }
}
