package org.relief.model.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.experiment.IterationRow;
import org.relief.model.experiment.IterationTable;
import org.relief.model.experiment.RunDirectory;
import org.relief.model.experiment.StoppingRule;

/**
 * One run as a report shows it: its iterations, its result iteration (the stopping rule's) and
 * the settings a reader compares trials by (architecture, pruner, alphas, seed).
 */
public record TrialResult(String name, ExperimentSettings settings, List<IterationRow> rows, IterationRow result) {

  /** Reads the run at {@code uri}; {@code name} labels it in charts and the table. */
  public static TrialResult read(String uri, String name) {
    RunDirectory run = RunDirectory.existing(uri);
    ExperimentSettings settings = run.settings();
    IterationTable table = run.table(false);
    return new TrialResult(name, settings, table.rows(),
        new StoppingRule(settings.stop().maxAccuracyDrop()).result(table));
  }

  public IterationRow dense() {
    return rows.get(0);
  }

  /** The settings trials differ by, for labels and grouping over seeds. */
  public Map<String, String> keys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("architecture", settings.architecture().id());
    keys.put("pruner", settings.prune().pruner().id());
    keys.put("alpha_conv", Double.toString(settings.prune().alphaConv()));
    keys.put("alpha_fc", Double.toString(settings.prune().alphaFc()));
    keys.put("optimizer", settings.train().optimizer().id());
    return keys;
  }

  public long seed() {
    return settings.experiment().seed();
  }

  /** Theoretical speed-up of the result: dense FLOPs ÷ pruned FLOPs. */
  public double speedUp() {
    return (double) dense().flops() / Math.max(1, result.flops());
  }

  /** Surviving units per layer, parsed from the {@code architecture} column ("fc1:214 fc2:75 …"). */
  public static Map<String, Integer> units(IterationRow row) {
    Map<String, Integer> units = new LinkedHashMap<>();
    for (String part : row.architecture().trim().split("\\s+")) {
      int colon = part.lastIndexOf(':');
      if (colon > 0) {
        units.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
      }
    }
    return units;
  }
}
