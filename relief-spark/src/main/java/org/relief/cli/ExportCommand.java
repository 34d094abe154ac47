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
        "  export iter=<k> parameters_dense=<n> parameters_remaining=<r> [parameters_compact=<c>] output=<dir>",
        "--compact also writes compact-model.zip: dead units and filters removed (LeNets, VGGs; ResNets: the channels",
        "inside each block, since a block's output channels are added to its shortcut)."})
final class ExportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "<run-dir>", description = "A run's output directory (any Hadoop URI).")
  String run;

  @Option(names = "--iteration", defaultValue = "-1",
      description = "Iteration to export (default: the run's result, see stop.max-accuracy-drop; else the last).")
  int iteration;

  @Option(names = "--output", defaultValue = "", description = "Where to write (default: <run-dir>/export/iter-<k>).")
  String output;

  @Option(names = "--compact", description = "Also write compact-model.zip, a physically smaller network computing the same outputs.")
  boolean compact;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    RunExport.Result r = RunExport.export(run, iteration, output, compact);
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT, "export iter=%d parameters_dense=%d parameters_remaining=%d%s output=%s",
        r.iteration(), r.denseParameters(), r.remaining(),
        compact ? " parameters_compact=" + r.compactParameters() : "", r.output()));
    out.flush();
    return 0;
  }
}
