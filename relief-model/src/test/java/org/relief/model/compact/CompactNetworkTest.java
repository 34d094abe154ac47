package org.relief.model.compact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relief.model.data.DatasetKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.SyntheticImages;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.train.MaskedTrainer;
import org.relief.model.train.OptimizerKind;
import org.relief.model.train.PhaseTrainer;

/** Compact retraining: a smaller network that trains what masked full-size training trains, and maps back. */
class CompactNetworkTest {

  private static NetworkSpec spec(String id) {
    return id.startsWith("lenet")
        ? new NetworkSpec(Architecture.fromId(id), 1, 28, 28, 10, 11)
        : new NetworkSpec(Architecture.fromId(id), 3, 32, 32, 10, 11);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet300-100", "lenet5", "vgg-like", "resnet20"})
  void everyCompactParameterMapsBackToWhereItCameFrom(String id) {
    ReliefNetwork network = spec(id).build();
    NetworkMasks masks = CompactorTest.pruned(network);

    CompactNetwork compact = CompactNetwork.of(network, masks);

    float[] full = network.params();
    assertArrayEquals(compact.dl4j().params().toFloatVector(), compact.gather(full));
    assertArrayEquals(full, compact.scatter(full), "scattering the untrained copy back changes nothing");
    compact.dl4j().params().muli(2);
    float[] back = compact.scatter(full);
    int changed = 0;
    for (int k = 0; k < full.length; k++) {
      changed += back[k] != full[k] ? 1 : 0;
      assertTrue(back[k] == full[k] || back[k] == 2 * full[k], "parameter " + k);
    }
    long nonZero = java.util.stream.IntStream.range(0, (int) compact.numParams())
        .filter(i -> compact.dl4j().params().getFloat(i) != 0f).count();
    assertEquals(nonZero, changed, "every non-zero compact parameter comes back, doubled, and nothing else changes");
    assertTrue(compact.numParams() < full.length, compact.numParams() + " of " + full.length);
  }

  @Test
  void aUnitThatBatchNormLiftsInTrainingModeStaysForRetrainingButNotForExport() {
    ReliefNetwork network = spec("vgg-like").build();
    NetworkMasks masks = CompactorTest.pruned(network); // unit 1 of features.0 keeps weights: take them
    PrunableLayer first = network.topology().layers().get(0);
    LayerMask m = masks.layer(first.name());
    boolean[] w = m.weights();
    boolean[] b = m.biases();
    int perUnit = w.length / first.outputs();
    java.util.Arrays.fill(w, perUnit, 2 * perUnit, false);
    b[1] = false;
    masks = masks.with(List.of(LayerMask.of(first, w, b)));
    network.setParams(masks.apply(network.params(), network.layout()));
    // BatchNorm after it: at inference (gamma 1, mean 1, var 0) the constant 0 maps far below
    // zero; a batch in training mode normalises the constant to 0 and leaves beta = 0.5
    Layer bn = ((MultiLayerNetwork) network.dl4j()).getLayer(1);
    bn.getParam("gamma").putScalar(0, 1, 1.0);
    bn.getParam("mean").putScalar(0, 1, 1.0);
    bn.getParam("var").putScalar(0, 1, 0.0);
    bn.getParam("beta").putScalar(0, 1, 0.5);

    long forExport = ((MultiLayerNetwork) ChainCompactor.compact(network, masks)).getLayer(0).getParam("W").size(0);
    long forTraining = ((MultiLayerNetwork) CompactNetwork.of(network, masks).dl4j()).getLayer(0).getParam("W").size(0);

    assertEquals(42 - 1, forExport, "64 filters, every third killed, and unit 1");
    assertEquals(42, forTraining);
  }

  /**
   * With plain SGD and no weight decay nothing moves a removed unit's parameters in masked
   * training either (its gradient is exactly 0), so both ways end at the same parameters, up to
   * the summation order of smaller matrix products. Networks without dropout: dropout draws
   * differ between the two.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet20"})
  void compactRetrainingEndsWhereMaskedRetrainingEnds(String id) {
    NetworkSpec spec = spec(id);
    ReliefNetwork network = spec.build();
    NetworkMasks masks = CompactorTest.pruned(network);
    float[] start = network.params();
    ImageDataset data = SyntheticImages.of(id.startsWith("lenet") ? DatasetKind.MNIST : DatasetKind.CIFAR10, 120, 10, 5)
        .train();
    MaskedTrainer masked = new MaskedTrainer(spec, OptimizerKind.SGD, 0.01, 0.9, 0, 0.1, 40, true, false, 3);
    PhaseTrainer.Phase phase = new PhaseTrainer.Phase("retrain-1", 2, List.of(1));

    float[] full = masked.train(phase, start, masks, data, null, e -> { }).params();
    float[] compact = masked.compacting(true).train(phase, start, masks, data, null, e -> { }).params();

    float[] flatMask = masks.toFlat(network.layout());
    double worst = 0;
    int moved = 0;
    int movedFull = 0;
    for (int k = 0; k < full.length; k++) {
      worst = Math.max(worst, Math.abs(full[k] - compact[k]));
      moved += compact[k] != start[k] ? 1 : 0;
      movedFull += full[k] != start[k] ? 1 : 0;
      if (flatMask[k] == 0f) {
        assertEquals(0f, compact[k], "pruned parameter " + k);
      }
    }
    // ResNet-20 measured 1.2e-5 (both sides on TrainingBatchNorm); 1.2e-4 when only the full
    // network had it, 3.3e-5 when neither did
    assertEquals(0.0, worst, 1e-4, "largest difference between compact and masked retraining");
    assertTrue(movedFull > 10_000, "masked retraining trained: " + movedFull);
    assertEquals(movedFull, moved, 0.01 * movedFull, "parameters compact retraining moved");
  }
}
