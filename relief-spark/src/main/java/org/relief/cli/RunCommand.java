package org.relief.cli;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.relief.model.config.ExperimentConfig;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.experiment.IterativePruning;
import org.apache.spark.api.java.JavaSparkContext;
import org.relief.model.io.HadoopFiles;
import org.relief.spark.SparkExecution;
import org.relief.spark.SparkRuntime;
import org.relief.spark.SparkSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code relief run <experiment.conf> [--set key=value]…}: one iterative-pruning experiment. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run one iterative-pruning experiment (train, then prune and retrain for prune.iterations).",
        "Resumes an unfinished run of the same configuration in experiment.output.",
        "Prints the output directory last; exit 0 on success, 2 on bad input."})
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(paramLabel = "<experiment.conf>", description = "HOCON experiment file (any Hadoop URI).")
  String file;

  @Option(names = "--set", paramLabel = "key=value",
      description = "Override one key, e.g. --set prune.alpha-fc=0.9 (repeatable; 'relief.' may be left out).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--overwrite", description = "Replace a finished run (or another configuration's unfinished run) in the output directory.")
  boolean overwrite;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Config config = ExperimentConfig.load(file, overrides);
    ExperimentSettings settings = ExperimentSettings.from(config);
    SparkSettings spark = SparkSettings.from(config);
    LOG.info("{}", settings);
    LOG.info("{}", spark);
    String output;
    if (spark.needsSpark()) {
      try (JavaSparkContext sc = SparkRuntime.start(spark, "relief run " + settings.experiment().name())) {
        output = new IterativePruning(settings, new SparkExecution(sc, spark)).run(overwrite);
      }
    } else {
      output = IterativePruning.local(settings).run(overwrite);
    }
    Path path = HadoopFiles.path(output);
    spec.commandLine().getOut().println(HadoopFiles.fileSystem(path).makeQualified(path));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
