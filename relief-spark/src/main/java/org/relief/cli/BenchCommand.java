package org.relief.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.relief.model.bench.PruneStepBenchmark;
import org.relief.model.data.MnistFormat;
import org.relief.model.net.Architecture;
import org.relief.model.prune.ConvScore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code relief bench …}: benchmarks whose one-line results go into docs/BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks. Each prints one line of key=value pairs.",
    subcommands = {BenchCommand.PruneStep.class})
final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return Relief.EXIT_INPUT;
  }

  /** One pruning step against one plain forward pass over the same examples, same JVM. */
  @Command(name = "prune-step", mixinStandardHelpOptions = true,
      description = {"Time one pruning step and one plain inference forward pass over the same N Fashion-MNIST",
          "training images, after warm-up, in this JVM. Prints:",
          "  prune-step model=<m> n=<n> prune_s=<x> forward_s=<y> ratio=<x/y>"})
  static final class PruneStep implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "lenet300-100 or lenet5")
    String model;

    @Option(names = "--examples", required = true, description = "Examples in the pruning set (N).")
    int examples;

    @Option(names = "--score", defaultValue = "frobenius", description = "Conv score: frobenius, sum or mean-l2 (default ${DEFAULT-VALUE}).")
    String score;

    @Option(names = "--data", defaultValue = MnistFormat.DEBIAN_FASHION_MNIST,
        description = "Fashion-MNIST directory (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--batch", defaultValue = "1000", description = "Examples per forward pass (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--repeats", defaultValue = "0",
        description = "Timed repetitions; the median is reported (default: as many as fit in about 5 s).")
    int repeats;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PruneStepBenchmark.Result r = new PruneStepBenchmark(Architecture.fromId(model), examples, ConvScore.fromId(score),
          data, batch, repeats).run();
      spec.commandLine().getErr().println(r.floorLine());
      spec.commandLine().getErr().flush();
      PrintWriter out = spec.commandLine().getOut();
      out.println(r.line());
      out.flush();
      return 0;
    }
  }
}
