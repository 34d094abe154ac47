package org.relief.cli;

import java.util.concurrent.Callable;
import org.relief.model.report.ReportWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code relief report <run-or-sweep-dir>}: a static HTML page with PNG charts. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write <dir>/report/index.html with PNG charts (accuracy vs remaining weights, compression and",
        "FLOPs per iteration, surviving units per layer) and a sortable table of trials, for a run or a sweep's",
        "finished trials. Prints the page's location last."})
final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "<run-or-sweep-dir>", description = "A run's or a sweep's output directory (any Hadoop URI).")
  String dir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(ReportWriter.write(dir));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
