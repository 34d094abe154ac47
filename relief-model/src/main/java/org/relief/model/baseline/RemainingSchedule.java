package org.relief.model.baseline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.experiment.IterationRow;
import org.relief.model.experiment.IterationTable;
import org.relief.model.io.HadoopFiles;

/**
 * The remaining % of weights and biases a baseline must reach after each pruning iteration:
 * given ({@code relief.prune.schedule}) or read from an NNrelief run's {@code iterations.csv}
 * ({@code relief.prune.match-run}), so a baseline is compared at exactly NNrelief's budget.
 */
public final class RemainingSchedule {
  private final List<Double> percents; // index k: after iteration k + 1
  private final String source;

  private RemainingSchedule(List<Double> percents, String source) {
    this.percents = List.copyOf(percents);
    this.source = source;
  }

  /** {@code percents[k]}: remaining % after iteration k + 1; {@code source} names them in errors. */
  public static RemainingSchedule of(List<Double> percents, String source) {
    String problem = problem(percents);
    if (problem != null) {
      throw new ReliefInputException(source + " = " + percents + " " + problem);
    }
    return new RemainingSchedule(percents, source);
  }

  /** Why {@code percents} is not a schedule, or null: each must be in (0, 100], none above the one before. */
  public static String problem(List<Double> percents) {
    double previous = 100;
    for (double p : percents) {
      if (!(p > 0 && p <= previous)) {
        return "must be remaining percentages in (0, 100], none above the one before";
      }
      previous = p;
    }
    return null;
  }

  /** The remaining % of every pruning iteration of the run at {@code runUri}. */
  public static RemainingSchedule fromRun(String runUri) {
    Path table = new Path(HadoopFiles.path(runUri), "iterations.csv");
    String csv;
    try (InputStream in = HadoopFiles.open(table)) {
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ReliefInputException(table + ": cannot read the run to match (" + e.getMessage() + ")", e);
    }
    List<Double> percents = IterationTable.parse(csv, table.toString()).rows().stream()
        .filter(r -> r.iter() > 0).map(IterationRow::remainingPercent).toList();
    return of(percents, table.toString());
  }

  /** Fails, naming the source, unless there is a target for every one of {@code iterations}. */
  public RemainingSchedule covering(int iterations) {
    if (percents.size() < iterations) {
      throw new ReliefInputException(source + " has targets for " + percents.size() + " iterations; the run has "
          + iterations);
    }
    return this;
  }

  /** Iterations with a target. */
  public int iterations() {
    return percents.size();
  }

  /** Where the targets come from ({@code relief.prune.schedule} or a run's iterations.csv). */
  public String source() {
    return source;
  }

  /** Remaining % to reach after {@code iteration} (1-based). */
  public double percentAfter(int iteration) {
    return percents.get(iteration - 1);
  }
}
