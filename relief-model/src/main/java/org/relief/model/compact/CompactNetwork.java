package org.relief.model.compact;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.net.TrainingBatchNorm;
import org.relief.model.prune.NetworkMasks;

/**
 * A pruned network's compact copy for retraining ({@code train.retrain-compact}), with the way
 * back: where each of its parameters lives in the full network's flat vector. Units are
 * removed only where that is exact in training mode too ({@link ChainCompactor#plan}), so
 * training the copy trains the same function as masked full-size training would.
 */
public final class CompactNetwork {
  private final Model dl4j;
  private final long[] positions;

  private CompactNetwork(Model dl4j, long[] positions) {
    this.dl4j = dl4j;
    this.positions = positions;
  }

  /**
   * The compact copy of {@code network} (its parameters masked already, its DL4J configuration
   * the one to train with: updater and weight decay carry over) under {@code masks}.
   */
  public static CompactNetwork of(ReliefNetwork network, NetworkMasks masks) {
    CompactPlan plan = network.dl4j() instanceof ComputationGraph
        ? ResNetCompactor.plan(network, masks, true)
        : ChainCompactor.plan(network, masks, true);
    Model small = plan.apply(network.dl4j());
    TrainingBatchNorm.install(small); // trained like the full network it stands in for
    CompactNetwork compact = new CompactNetwork(small, plan.positions(network.dl4j()));
    // the positions must find every compact parameter where it came from
    if (!java.util.Arrays.equals(compact.gather(network.params()), compact.dl4j.params().toFloatVector())) {
      throw new IllegalStateException("compaction of " + network.spec().architecture().id()
          + ": parameter positions do not match the compact network");
    }
    return compact;
  }

  /** The compact DL4J network (train it; its parameters are {@link #scatter}ed back). */
  public Model dl4j() {
    return dl4j;
  }

  /** Parameters of the compact network. */
  public long numParams() {
    return positions.length;
  }

  /** The entries of a full-layout flat vector (parameters, a flat mask) that the compact network holds, in its layout. */
  public float[] gather(float[] full) {
    float[] out = new float[positions.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = full[Math.toIntExact(positions[i])];
    }
    return out;
  }

  /** A copy of the full-layout {@code into} with the compact network's current parameters written where they belong. */
  public float[] scatter(float[] into) {
    float[] compact = dl4j.params().toFloatVector();
    float[] out = into.clone();
    for (int i = 0; i < compact.length; i++) {
      out[Math.toIntExact(positions[i])] = compact[i];
    }
    return out;
  }

  /** One training step on a minibatch. */
  public void fit(DataSet batch) {
    if (dl4j instanceof ComputationGraph g) {
      g.fit(batch);
    } else {
      ((MultiLayerNetwork) dl4j).fit(batch);
    }
  }

  /** Inference: class probabilities {@code [N, classes]}. */
  public INDArray output(INDArray batch) {
    return dl4j instanceof ComputationGraph g ? g.outputSingle(false, batch) : ((MultiLayerNetwork) dl4j).output(batch, false);
  }

  /** Counts an epoch done (DL4J's learning-rate schedules read it). */
  public void incrementEpochCount() {
    if (dl4j instanceof ComputationGraph g) {
      g.incrementEpochCount();
    } else {
      ((MultiLayerNetwork) dl4j).incrementEpochCount();
    }
  }
}
