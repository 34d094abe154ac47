package org.relief.model.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.relief.model.ReliefInputException;
import org.relief.model.compact.ChainCompactor;
import org.relief.model.compact.ResNetCompactor;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.io.HadoopFiles;
import org.relief.model.io.ModelFiles;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.MaskFile;
import org.relief.model.prune.NetworkMasks;

/**
 * One iteration of a finished or unfinished run, taken away: its DL4J model file (pruned
 * parameters exactly zero), its masks and an {@code export.json} describing both. The masks
 * are checked against the network the run's configuration builds, and against the model's
 * zeros, before anything is written.
 */
public final class RunExport {
  /** What was exported, for the command line. */
  public record Result(String output, int iteration, long denseParameters, long remaining, long compactParameters) {}

  private RunExport() {}

  /**
   * Exports iteration {@code iteration} of the run at {@code runUri} (negative: the run's result,
   * {@link StoppingRule}) to {@code outputUri} (empty: {@code <run>/export/iter-00k}); with
   * {@code compact}, also {@code compact-model.zip} ({@link ChainCompactor}, {@link ResNetCompactor}; -1 in the
   * result otherwise).
   */
  public static Result export(String runUri, int iteration, String outputUri, boolean compact) {
    RunDirectory run = RunDirectory.existing(runUri);
    ExperimentSettings settings = run.settings();
    IterationTable table = run.table(false);
    int last = table.last().iter();
    int k = iteration >= 0 ? iteration : new StoppingRule(settings.stop().maxAccuracyDrop()).result(table).iter();
    if (k > last) {
      throw new ReliefInputException("--iteration " + k + ": the last completed iteration of " + run.uri() + " is " + last);
    }
    ReliefNetwork network = settings.networkSpec().build();
    NetworkMasks masks = run.readMasks(k, network.topology());
    float[] params = run.readParams(k);
    if (params.length != network.layout().numParams()
        || !Arrays.equals(params, masks.apply(params, network.layout()))) {
      throw new ReliefInputException(run.iterationFile(k, "model.zip") + " does not match "
          + run.iterationFile(k, "masks.bin") + ": parameters the masks prune are not zero");
    }

    Model small = null;
    if (compact) {
      network.setParams(params);
      small = network.dl4j() instanceof ComputationGraph ? ResNetCompactor.compact(network, masks)
          : ChainCompactor.compact(network, masks);
    }
    String output = outputUri.isBlank() ? new Path(HadoopFiles.path(run.uri()), "export/" + RunDirectory.iterationDir(k)).toString()
        : outputUri;
    Path out = HadoopFiles.path(output);
    NetworkCensus census = NetworkCensus.of(network.topology(), masks);
    IterationRow row = table.rows().get(k);
    try {
      HadoopFiles.fileSystem(out).mkdirs(out);
      Path model = HadoopFiles.path(run.iterationFile(k, "model.zip"));
      HadoopFiles.writeAtomically(new Path(out, "model.zip"), o -> {
        try (InputStream in = HadoopFiles.fileSystem(model).open(model)) {
          in.transferTo(o);
        }
      });
      MaskFile.write(masks, new Path(out, "masks.bin").toString());
      if (small != null) {
        ModelFiles.write(new Path(out, "compact-model.zip"), small);
      }
      byte[] json = String.format(Locale.ROOT, """
          {
            "run": "%s",
            "iteration": %d,
            "architecture": "%s",
            "surviving_units": "%s",
            "parameters_dense": %d,
            "parameters_remaining": %d,
            "remaining_percent": %.4f,
            "parameters_compact": %s,
            "acc_retrained": %.2f
          }
          """, run.uri(), k, settings.architecture().id(), census.architecture(), census.total(), census.remaining(),
          census.remainingPercent(), small == null ? "null" : Long.toString(small.numParams()), row.accRetrained()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      HadoopFiles.writeAtomically(new Path(out, "export.json"), o -> o.write(json));
    } catch (IOException e) {
      throw new UncheckedIOException("writing the export to " + out, e);
    }
    return new Result(HadoopFiles.fileSystem(out).makeQualified(out).toString(), k, census.total(), census.remaining(),
        small == null ? -1 : small.numParams());
  }
}
