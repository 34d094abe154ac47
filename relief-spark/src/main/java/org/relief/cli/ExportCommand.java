package org.relief.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.relief.model.experiment.RunExport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relief export <run-dir>}: one iteration's pruned network and masks, taken away. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export one iteration of a run: its DL4J model file (pruned parameters exactly 0), masks.bin and",
        "export.json, checked against each other first. Prints last:",
        "  export iter=<k> parameters_dense=<n> parameters_remaining=<r> output=<dir>",
        "Not built yet: --compact (a physically smaller network)."})
final class ExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "<run-dir>", description = "A run's output directory (any Hadoop URI).")
  String run;

  @Option(names = "--iteration", defaultValue = "-1",
      description = "Iteration to export (default: the run's result, see stop.max-accuracy-drop; else the last).")
  int iteration;

  @Option(names = "--output", defaultValue = "", description = "Where to write (default: <run-dir>/export/iter-<k>).")
  String output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RunExport.Result r = RunExport.export(run, iteration, output);
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT, "export iter=%d parameters_dense=%d parameters_remaining=%d output=%s",
        r.iteration(), r.denseParameters(), r.remaining(), r.output()));
    out.flush();
    return 0;
  }
}
