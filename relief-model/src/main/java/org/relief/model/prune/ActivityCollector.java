package org.relief.model.prune;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.net.ForwardPass;
import org.relief.model.net.LayerIO;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/**
 * Runs batches through a network and adds their activity sums to a {@link MutableActivityStats}.
 *
 * <p>Forward passes run in float32 as the network does; every sum over samples is taken in
 * float64 (the conformance fixtures have selection margins down to ~1e-7 relative). The
 * per-sample norms of {@link ConvScore#FROBENIUS} are {@link FrobeniusSums}' work.
 */
public final class ActivityCollector {
  private static final String WORKSPACE_ID = "relief-activity";
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .build();

  private final ReliefNetwork network;
  private final ActivityRequest request;
  private final Map<String, FrobeniusSums> frobenius = new HashMap<>();

  /** The network's parameters are read as they are now; set them before creating a collector. */
  public ActivityCollector(ReliefNetwork network, ActivityRequest request) {
    this.network = network;
    this.request = request;
    for (String name : request.layers()) {
      PrunableLayer layer = network.topology().layer(name);
      if (request.needsFrobeniusSums(layer)) {
        frobenius.put(name, new FrobeniusSums(layer, network.weights(name)));
      }
    }
  }

  /** Zero sums for this collector's layers. */
  public MutableActivityStats newStats() {
    return new MutableActivityStats(network.topology(), request);
  }

  /**
   * Adds one batch (in the network's input shape) to {@code stats} and returns it. The pass's
   * activations live in the network's pass workspace, the statistics' ND4J temporaries in a
   * workspace of their own nested inside it; both are reused from batch to batch, since
   * allocating large off-heap arrays anew for every batch made timings swing 4×. Only Java
   * arrays of sums leave them.
   */
  public MutableActivityStats add(MutableActivityStats stats, INDArray batch) {
    long n = batch.size(0);
    if (network.spec().float64() && batch.dataType() != org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
      batch = batch.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE); // exact: float32 values
    }
    try (ForwardPass io = network.forward(batch, request.layers());
        MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      addLayers(stats, n, io);
    }
    return stats;
  }

  private void addLayers(MutableActivityStats stats, long n, ForwardPass io) {
    for (String name : request.layers()) {
      PrunableLayer layer = network.topology().layer(name);
      LayerIO layerIO = io.get(name);
      double[] inputAbs = null;
      if (request.needsInputSums(layer)) {
        inputAbs = new double[layer.inputVolume()];
        SampleSums.addAbs(layerIO.input(), inputAbs);
      }
      double[] activeSamples = new double[layer.outputs()];
      SampleSums.addActiveSamples(layerIO.output(), layer.outputs(), activeSamples);
      double[] frobeniusSums = null;
      if (frobenius.containsKey(name)) {
        frobeniusSums = new double[layer.outputs() * layer.inputs()];
        frobenius.get(name).add(layerIO.input(), frobeniusSums);
      }
      double[] branchAbs = null;
      double[] shortcutAbs = null;
      if (layer.hasResidual()) {
        branchAbs = new double[layer.outputs() * layer.outputPositions()];
        shortcutAbs = new double[branchAbs.length];
        SampleSums.addAbs(layerIO.branch(), branchAbs);
        SampleSums.addAbs(layerIO.shortcut(), shortcutAbs);
      }
      stats.add(name, n, inputAbs, activeSamples, frobeniusSums, branchAbs, shortcutAbs);
    }
  }
}
