package org.relief.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.relief.model.config.ExperimentConfig;
import org.relief.spark.SparkRuntime;
import org.relief.spark.SparkSettings;
import org.relief.spark.sweep.SweepLedger;
import org.relief.spark.sweep.SweepPlan;
import org.relief.spark.sweep.SweepResults;
import org.relief.spark.sweep.SweepRunner;
import org.relief.spark.sweep.TrialState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relief sweep <sweep.conf> [--set key=value]…}: expand and run a sweep, resuming if its output exists. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Expand a sweep (a base experiment with relief.sweep.grid and/or relief.sweep.trials) and run its",
        "trials on Spark, resuming if its output exists: finished trials are skipped, failed ones rerun only with",
        "--retry-failed. Prints last:",
        "  sweep <name>: <done>/<total> trials done, <failed> failed",
        "Exit 0 if every trial is done, 3 if some failed (partial), 2 on bad input."})
final class SweepCommand implements Callable<Integer> {

  @Parameters(paramLabel = "<sweep.conf>", description = "HOCON sweep file (any Hadoop URI).")
  String file;

  @Option(names = "--set", paramLabel = "key=value", description = "Override one key of the base experiment or relief.sweep.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--dry-run", description = "Print the trial table and their states; run and write nothing.")
  boolean dryRun;

  @Option(names = "--retry-failed", description = "Run failed trials again.")
  boolean retryFailed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Config config = ExperimentConfig.load(file, overrides);
    SweepPlan plan = SweepPlan.of(config, file);
    PrintWriter out = spec.commandLine().getOut();
    SweepLedger ledger;
    if (dryRun) {
      ledger = SweepLedger.open(plan, retryFailed, false);
      printTable(out, plan, ledger);
    } else {
      SparkSettings spark = SparkSettings.from(config);
      ledger = SweepLedger.open(plan, retryFailed, true);
      try (JavaSparkContext sc = SparkRuntime.start(spark, "relief sweep " + plan.settings().name())) {
        new SweepRunner(sc, spark).run(ledger);
        SweepResults.write(ledger, sc);
      }
    }
    long done = ledger.count(TrialState.DONE);
    long failed = ledger.count(TrialState.FAILED);
    out.println("sweep " + plan.settings().name() + ": " + done + "/" + plan.trials().size() + " trials done, "
        + failed + " failed");
    out.flush();
    if (dryRun || done == plan.trials().size()) {
      return 0;
    }
    return Relief.EXIT_PARTIAL;
  }

  private static void printTable(PrintWriter out, SweepPlan plan, SweepLedger ledger) {
    List<String> header = new ArrayList<>(List.of("trial", "state"));
    header.addAll(plan.varied());
    out.println(String.join("\t", header));
    for (SweepLedger.Entry e : ledger.entries()) {
      List<String> row = new ArrayList<>(List.of(e.trial().id(), e.state().id()));
      for (String key : plan.varied()) {
        row.add(e.trial().params().getOrDefault(key, ""));
      }
      out.println(String.join("\t", row) + (e.error() == null ? "" : "\t" + e.error()));
    }
    out.println("mode " + SweepRunner.mode(plan).id() + ", output " + plan.settings().output());
  }
}
