package org.relief.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.relief.model.conformance.ConformanceCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code relief conformance <fixture-dir>}: one pruning step compared with the reference's masks. */
@Command(name = "conformance", mixinStandardHelpOptions = true,
    description = {"Run one pruning step on a fixture of the reference code and compare the masks entry by entry",
        "(after the backward walk and before it). Prints last:",
        "  conformance <name>: <m> mismatches of <n> mask entries",
        "Exit code 0 iff m = 0 (and, where the fixture records them, BatchNorm parameters after the step match)."})
final class ConformanceCommand implements Callable<Integer> {
  @Parameters(paramLabel = "<fixture-dir>", description = "A fixture directory holding manifest.json (any Hadoop URI).")
  String fixture;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ConformanceCheck.Report report = ConformanceCheck.run(fixture);
    PrintWriter out = spec.commandLine().getOut();
    for (ConformanceCheck.TensorResult t : report.tensors()) {
      if (t.mismatches() > 0) {
        out.println("  " + t.stage() + " " + t.tensor() + ": " + t.mismatches() + " of " + t.entries() + " differ");
      }
    }
    if (!report.batchNorm().isEmpty()) {
      out.println("  batchnorm parameters after the step: " + report.batchNormMismatches() + " of "
          + report.batchNorm().stream().mapToLong(ConformanceCheck.TensorResult::entries).sum() + " differ");
    }
    out.println(report.summary());
    out.flush();
    return report.conforms() ? 0 : Relief.EXIT_FAILURE;
  }
}
