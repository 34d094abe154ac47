package org.relief.model.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One row of {@code iterations.csv}: the reference's columns (seed, iter, acc_pruned,
 * acc_retrained, cr, remained_percentage, architecture, FLOPs, named here in snake case) plus
 * remaining counts, top-5 where there are more than 10 classes, the checkpoint rule and the
 * epoch it picked, and the seconds of each phase. Accuracies are test accuracies in percent;
 * iteration 0 is the trained dense network.
 */
public record IterationRow(long seed, int iter, double accPruned, double accRetrained, double top5Pruned,
    double top5Retrained, double compressionRatio, double remainingPercent, long remaining, long remainingWeights,
    long remainingBiases, String architecture, long flops, String checkpoint, int selectedEpoch, double selectionAcc,
    double pruneSeconds, double retrainSeconds, double evalSeconds, String training) {

  static final List<String> COLUMNS = List.of("seed", "iter", "acc_pruned", "acc_retrained", "top5_pruned",
      "top5_retrained", "cr", "remaining_percent", "remaining", "remaining_weights", "remaining_biases",
      "architecture", "flops", "checkpoint", "selected_epoch", "selection_acc", "prune_s", "retrain_s", "eval_s",
      "training");

  /** Column values, formatted; top-5 columns only when {@code withTop5}. */
  Map<String, String> cells(boolean withTop5) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("seed", Long.toString(seed));
    c.put("iter", Integer.toString(iter));
    c.put("acc_pruned", fixed(accPruned, 2));
    c.put("acc_retrained", fixed(accRetrained, 2));
    if (withTop5) {
      c.put("top5_pruned", fixed(top5Pruned, 2));
      c.put("top5_retrained", fixed(top5Retrained, 2));
    }
    c.put("cr", fixed(compressionRatio, 2));
    c.put("remaining_percent", fixed(remainingPercent, 2));
    c.put("remaining", Long.toString(remaining));
    c.put("remaining_weights", Long.toString(remainingWeights));
    c.put("remaining_biases", Long.toString(remainingBiases));
    c.put("architecture", architecture);
    c.put("flops", Long.toString(flops));
    c.put("checkpoint", checkpoint);
    c.put("selected_epoch", Integer.toString(selectedEpoch));
    c.put("selection_acc", Double.isNaN(selectionAcc) ? "" : fixed(selectionAcc, 2));
    c.put("prune_s", fixed(pruneSeconds, 3));
    c.put("retrain_s", fixed(retrainSeconds, 3));
    c.put("eval_s", fixed(evalSeconds, 3));
    c.put("training", training);
    return c;
  }

  static List<String> columns(boolean withTop5) {
    List<String> out = new ArrayList<>(COLUMNS);
    if (!withTop5) {
      out.remove("top5_pruned");
      out.remove("top5_retrained");
    }
    return out;
  }

  /** Reads a row back from its cells (as written by {@link #cells}). */
  static IterationRow parse(Map<String, String> c) {
    return new IterationRow(Long.parseLong(c.get("seed")), Integer.parseInt(c.get("iter")),
        num(c.get("acc_pruned")), num(c.get("acc_retrained")), num(c.get("top5_pruned")), num(c.get("top5_retrained")),
        num(c.get("cr")), num(c.get("remaining_percent")), Long.parseLong(c.get("remaining")),
        Long.parseLong(c.get("remaining_weights")), Long.parseLong(c.get("remaining_biases")), c.get("architecture"),
        Long.parseLong(c.get("flops")), c.get("checkpoint"), Integer.parseInt(c.get("selected_epoch")),
        num(c.get("selection_acc")), num(c.get("prune_s")), num(c.get("retrain_s")), num(c.get("eval_s")),
        c.get("training"));
  }

  private static double num(String s) {
    return s == null || s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }

  private static String fixed(double v, int digits) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
