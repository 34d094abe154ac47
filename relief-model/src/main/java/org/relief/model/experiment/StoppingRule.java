package org.relief.model.experiment;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * {@code relief.stop.max-accuracy-drop}: the paper's aim is the smallest network whose accuracy
 * stays within a tolerance of the dense one. Iterating stops once an iteration's retrained test
 * accuracy falls more than the tolerance (in points) below iteration 0's; the run's result is
 * the last iteration within tolerance (iteration 0 if none is). Without a tolerance every
 * iteration runs and the result is the last one.
 */
public record StoppingRule(OptionalDouble maxAccuracyDrop) {
  public static final StoppingRule NONE = new StoppingRule(OptionalDouble.empty());

  /** True if the table's last iteration is beyond tolerance: no further iteration runs. */
  public boolean stops(IterationTable table) {
    return !table.isEmpty() && !withinTolerance(table.rows().get(0), table.last());
  }

  /** The run's result: the last iteration within tolerance. */
  public IterationRow result(IterationTable table) {
    List<IterationRow> rows = table.rows();
    IterationRow dense = rows.get(0);
    IterationRow best = dense;
    for (IterationRow row : rows) {
      if (withinTolerance(dense, row)) {
        best = row;
      }
    }
    return best;
  }

  /** {@code result.json}: the result iteration and why the run ended where it did. */
  public String resultJson(IterationTable table) {
    IterationRow dense = table.rows().get(0);
    IterationRow result = result(table);
    return String.format(Locale.ROOT, """
        {
          "result_iter": %d,
          "acc_retrained": %.2f,
          "remaining_percent": %.2f,
          "cr": %.2f,
          "dense_acc": %.2f,
          "accuracy_change": %.2f,
          "max_accuracy_drop": %s,
          "last_iter": %d,
          "stopped_early": %b
        }
        """, result.iter(), result.accRetrained(), result.remainingPercent(), result.compressionRatio(),
        dense.accRetrained(), result.accRetrained() - dense.accRetrained(),
        maxAccuracyDrop.isPresent() ? String.format(Locale.ROOT, "%.4f", maxAccuracyDrop.getAsDouble()) : "null",
        table.last().iter(), stops(table));
  }

  private boolean withinTolerance(IterationRow dense, IterationRow row) {
    return maxAccuracyDrop.isEmpty() || dense.accRetrained() - row.accRetrained() <= maxAccuracyDrop.getAsDouble();
  }
}
