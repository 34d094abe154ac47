package org.relief.spark.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.relief.model.io.HadoopFiles;

/**
 * {@code results.csv} and {@code results.parquet}: every iteration row of every finished
 * trial, with the sweep's name, the trial's id and the values of the keys the sweep varies as
 * the first columns ({@code prune.alpha-fc} becomes column {@code prune_alpha_fc}). Rebuilt
 * from the trial directories each time, so a row appears exactly once however often the sweep
 * is resumed.
 */
public final class SweepResults {
  private SweepResults() {}

  /** Writes both files; returns the number of rows. */
  public static int write(SweepLedger ledger, JavaSparkContext sc) {
    SweepPlan plan = ledger.plan();
    Path root = HadoopFiles.path(ledger.uri());
    FileSystem fs = HadoopFiles.fileSystem(root);
    List<String> lines = new ArrayList<>();
    String header = null;
    for (SweepLedger.Entry e : ledger.entries()) {
      if (e.state() != TrialState.DONE) {
        continue;
      }
      List<String> table = read(fs, new Path(root, "trials/" + e.trial().id() + "/iterations.csv"));
      if (header == null) {
        List<String> columns = new ArrayList<>(List.of("sweep", "trial"));
        plan.varied().forEach(k -> columns.add(k.replaceAll("[^A-Za-z0-9]+", "_")));
        header = String.join(",", columns) + "," + table.get(0);
      }
      StringBuilder prefix = new StringBuilder(csv(plan.settings().name())).append(',').append(e.trial().id());
      for (String key : plan.varied()) {
        prefix.append(',').append(csv(e.trial().params().getOrDefault(key, "")));
      }
      for (String row : table.subList(1, table.size())) {
        lines.add(prefix + "," + row);
      }
    }
    Path csvPath = new Path(root, "results.csv");
    String text = (header == null ? "sweep,trial\n" : header + "\n") + String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
    try {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      HadoopFiles.writeAtomically(csvPath, out -> out.write(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + csvPath, e);
    }
    if (!lines.isEmpty()) {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      spark.read().option("header", "true").option("inferSchema", "true").csv(csvPath.toString())
          .coalesce(1).write().mode(SaveMode.Overwrite).parquet(new Path(root, "results.parquet").toString());
    }
    return lines.size();
  }

  private static List<String> read(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  private static String csv(String v) {
    return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
