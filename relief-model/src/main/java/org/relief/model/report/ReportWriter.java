package org.relief.model.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.relief.model.ReliefInputException;
import org.relief.model.experiment.IterationRow;
import org.relief.model.io.HadoopFiles;

/**
 * {@code relief report}: a self-contained static page ({@code report/index.html}) with PNG
 * charts beside it, for one run or a sweep's finished trials — accuracy before and after
 * retraining against remaining weights (log scale), compression and FLOPs per iteration,
 * surviving units per layer at the result iteration, and a table of trials sortable by any
 * column, with mean ± std over seeds where trials differ only by seed.
 */
public final class ReportWriter {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 520;

  private ReportWriter() {}

  /** Writes the report of the run or sweep at {@code uri}; returns the page's URI. */
  public static String write(String uri) {
    Path root = HadoopFiles.path(uri);
    List<TrialResult> trials = trials(root);
    Path out = new Path(root, "report");
    try {
      HadoopFiles.fileSystem(out).mkdirs(out);
      png(new Path(out, "accuracy.png"), accuracyChart(trials));
      png(new Path(out, "compression.png"), perIterationChart(trials, "compression ratio", false));
      png(new Path(out, "flops.png"), perIterationChart(trials, "FLOPs", true));
      png(new Path(out, "units.png"), unitsChart(trials));
      byte[] html = page(root.toString(), trials).getBytes(StandardCharsets.UTF_8);
      HadoopFiles.writeAtomically(new Path(out, "index.html"), o -> o.write(html));
    } catch (IOException e) {
      throw new UncheckedIOException("writing the report to " + out, e);
    }
    return new Path(out, "index.html").toString();
  }

  /** The run at root, or the finished trials of the sweep at root. */
  private static List<TrialResult> trials(Path root) {
    FileSystem fs = HadoopFiles.fileSystem(root);
    try {
      if (fs.exists(new Path(root, "iterations.csv"))) {
        return List.of(TrialResult.read(root.toString(), root.getName()));
      }
      List<TrialResult> trials = new ArrayList<>();
      Path dir = new Path(root, "trials");
      if (fs.exists(dir)) {
        for (FileStatus trial : fs.listStatus(dir)) {
          if (fs.exists(new Path(trial.getPath(), "_SUCCESS"))) {
            trials.add(TrialResult.read(trial.getPath().toString(), trial.getPath().getName().substring(0, 8)));
          }
        }
      }
      if (trials.isEmpty()) {
        throw new ReliefInputException(root + " holds no Relief results (no iterations.csv, no finished trials/*)");
      }
      trials.sort(Comparator.comparing(t -> t.keys().toString() + " " + t.seed()));
      return trials;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + root, e);
    }
  }

  private static XYChart accuracyChart(List<TrialResult> trials) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Test accuracy vs remaining weights")
        .xAxisTitle("remaining weights and biases (%, log scale)").yAxisTitle("top-1 test accuracy (%)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    // from the decade below the smallest network, so the axis has at least two labelled decades
    double smallest = trials.stream().flatMap(t -> t.rows().stream()).mapToDouble(IterationRow::remainingPercent)
        .filter(v -> v > 0).min().orElse(1);
    chart.getStyler().setXAxisMin(Math.pow(10, Math.floor(Math.log10(smallest))));
    chart.getStyler().setXAxisMax(100.0);
    for (TrialResult t : trials) {
      List<Double> x = new ArrayList<>();
      List<Double> after = new ArrayList<>();
      List<Double> before = new ArrayList<>();
      for (IterationRow r : t.rows()) {
        x.add(r.remainingPercent());
        after.add(r.accRetrained());
        before.add(r.accPruned());
      }
      chart.addSeries(label(t) + " retrained", x, after);
      XYSeries pruned = chart.addSeries(label(t) + " pruned", x, before);
      pruned.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
          10f, new float[] {4f, 4f}, 0f));
    }
    return chart;
  }

  private static XYChart perIterationChart(List<TrialResult> trials, String what, boolean flops) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(what + " per iteration")
        .xAxisTitle("iteration").yAxisTitle(what).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    for (TrialResult t : trials) {
      List<Integer> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (IterationRow r : t.rows()) {
        x.add(r.iter());
        y.add(flops ? (double) r.flops() : r.compressionRatio());
      }
      chart.addSeries(label(t), x, y);
    }
    return chart;
  }

  private static CategoryChart unitsChart(List<TrialResult> trials) {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Surviving units per layer at the result iteration").xAxisTitle("layer").yAxisTitle("units").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    Map<String, Integer> dense = TrialResult.units(trials.get(0).dense());
    chart.addSeries("dense", new ArrayList<>(dense.keySet()), new ArrayList<>(dense.values()));
    for (TrialResult t : trials) {
      Map<String, Integer> units = TrialResult.units(t.result());
      List<Integer> values = new ArrayList<>();
      for (String layer : dense.keySet()) {
        values.add(units.getOrDefault(layer, 0));
      }
      chart.addSeries(label(t), new ArrayList<>(dense.keySet()), values);
    }
    return chart;
  }

  private static String label(TrialResult t) {
    return t.name() + " (" + t.settings().prune().pruner().id() + ", seed " + t.seed() + ")";
  }

  private static void png(Path path, Chart<?, ?> chart) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, bytes, BitmapEncoder.BitmapFormat.PNG);
    HadoopFiles.writeAtomically(path, o -> o.write(bytes.toByteArray()));
  }

  private static String page(String source, List<TrialResult> trials) {
    boolean top5 = trials.stream().anyMatch(t -> t.result().top5Retrained() > 0);
    StringBuilder rows = new StringBuilder();
    for (TrialResult t : trials) {
      IterationRow r = t.result();
      rows.append("<tr>").append(cell(t.name())).append(cell(t.keys().get("architecture")))
          .append(cell(t.keys().get("pruner"))).append(cell(Long.toString(t.seed())))
          .append(cell(fixed(t.dense().accRetrained()))).append(cell(Integer.toString(r.iter())))
          .append(cell(fixed(r.accPruned()))).append(cell(fixed(r.accRetrained())))
          .append(cell(fixed(r.accRetrained() - t.dense().accRetrained())));
      if (top5) {
        rows.append(cell(fixed(r.top5Pruned()))).append(cell(fixed(r.top5Retrained())));
      }
      rows.append(cell(fixed(r.remainingPercent()))).append(cell(fixed(r.compressionRatio())))
          .append(cell(fixed(t.speedUp()))).append(cell(Integer.toHexString(t.settings().rendered().hashCode())))
          .append("</tr>\n");
    }
    String header = "<tr>" + th("trial") + th("architecture") + th("pruner") + th("seed") + th("dense acc %")
        + th("result iter") + th("acc pruned %") + th("acc retrained %") + th("change (points)")
        + (top5 ? th("top-5 pruned %") + th("top-5 retrained %") : "") + th("remaining %") + th("compression")
        + th("speed-up (FLOPs)") + th("params hash") + "</tr>";
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Relief report</title>
        <style>
        body{font-family:sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;margin:1em 0}
        th,td{border:1px solid #bbb;padding:4px 8px;text-align:right}
        th{background:#eee;cursor:pointer}
        img{max-width:100%%;border:1px solid #ddd;margin:0.5em 0}
        </style></head><body>
        <h1>Relief report</h1>
        <p>Source: %s — %d trial(s). Result iteration: the last within the stopping rule's tolerance
        (the last iteration when none is set). Click a column header to sort.</p>
        <h2>Trials</h2>
        <table id="trials"><thead>%s</thead><tbody>
        %s</tbody></table>
        %s
        <h2>Accuracy vs remaining weights</h2><img src="accuracy.png" alt="accuracy vs remaining weights">
        <h2>Compression per iteration</h2><img src="compression.png" alt="compression ratio per iteration">
        <h2>FLOPs per iteration</h2><img src="flops.png" alt="FLOPs per iteration">
        <h2>Surviving units per layer</h2><img src="units.png" alt="surviving units per layer">
        <script>
        document.querySelectorAll('#trials th').forEach((th, col) => th.addEventListener('click', () => {
          const body = document.querySelector('#trials tbody');
          const rows = Array.from(body.rows);
          const asc = th.dataset.asc !== 'true';
          th.dataset.asc = asc;
          const key = r => { const v = r.cells[col].textContent; const n = parseFloat(v); return isNaN(n) ? v : n; };
          rows.sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * (asc ? 1 : -1));
          rows.forEach(r => body.appendChild(r));
        }));
        </script>
        </body></html>
        """.formatted(escape(source), trials.size(), header, rows, seedsTable(trials));
  }

  /** Mean ± std of the result over seeds, for settings that more than one seed ran. */
  private static String seedsTable(List<TrialResult> trials) {
    Map<String, List<TrialResult>> groups = new LinkedHashMap<>();
    for (TrialResult t : trials) {
      groups.computeIfAbsent(t.keys().toString(), k -> new ArrayList<>()).add(t);
    }
    StringBuilder rows = new StringBuilder();
    for (Map.Entry<String, List<TrialResult>> g : groups.entrySet()) {
      if (g.getValue().size() < 2) {
        continue;
      }
      rows.append("<tr>").append(cell(g.getKey())).append(cell(Integer.toString(g.getValue().size())))
          .append(cell(meanStd(g.getValue().stream().mapToDouble(t -> t.result().accRetrained()).toArray())))
          .append(cell(meanStd(g.getValue().stream().mapToDouble(t -> t.result().remainingPercent()).toArray())))
          .append("</tr>\n");
    }
    if (rows.isEmpty()) {
      return "";
    }
    return "<h2>Over seeds</h2><table id=\"seeds\"><thead><tr>" + th("settings") + th("seeds") + th("acc retrained %")
        + th("remaining %") + "</tr></thead><tbody>\n" + rows + "</tbody></table>";
  }

  private static String meanStd(double[] v) {
    double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
    double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, v.length - 1);
    return String.format(Locale.ROOT, "%.2f ± %.2f", mean, Math.sqrt(var));
  }

  private static String fixed(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String th(String s) {
    return "<th>" + escape(s) + "</th>";
  }

  private static String cell(String s) {
    return "<td>" + escape(s) + "</td>";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
