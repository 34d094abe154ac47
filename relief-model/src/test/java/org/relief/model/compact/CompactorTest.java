package org.relief.model.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/** A compact network computes what the masked one computes, with fewer parameters. */
class CompactorTest {
  /** Every third hidden unit loses all its weights and its bias; half of the other weights go. */
  static NetworkMasks pruned(ReliefNetwork network) {
    Random random = new Random(3);
    List<PrunableLayer> layers = network.topology().layers();
    List<LayerMask> masks = new ArrayList<>();
    for (int k = 0; k < layers.size(); k++) {
      PrunableLayer layer = layers.get(k);
      boolean hidden = k < layers.size() - 1;
      boolean[] w = new boolean[Math.toIntExact(layer.weightCount())];
      boolean[] b = new boolean[layer.biasCount()];
      int perUnit = w.length / layer.outputs();
      for (int i = 0; i < w.length; i++) {
        w[i] = !(hidden && (i / perUnit) % 3 == 0) && random.nextBoolean();
      }
      for (int u = 0; u < b.length; u++) {
        b[u] = !(hidden && u % 3 == 0);
      }
      masks.add(LayerMask.of(layer, w, b));
    }
    NetworkMasks result = NetworkMasks.of(masks);
    network.setParams(result.apply(network.params(), network.layout()));
    return result;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet300-100", "lenet5", "vgg-like"})
  void theCompactNetworkComputesTheMaskedOnesOutputsWithFewerParameters(String id) {
    Architecture architecture = Architecture.fromId(id);
    NetworkSpec spec = id.startsWith("lenet")
        ? new NetworkSpec(architecture, 1, 28, 28, 10, 11)
        : new NetworkSpec(architecture, 3, 32, 32, 10, 11);
    ReliefNetwork network = architecture.build(spec);
    NetworkMasks masks = pruned(network);

    MultiLayerNetwork compact = ChainCompactor.compact(network, masks);

    INDArray batch = Nd4j.rand(DataType.FLOAT, spec.batchShape(16));
    INDArray masked = network.output(batch);
    INDArray small = compact.output(batch, false);
    assertEquals(0.0, masked.sub(small).amaxNumber().doubleValue(), 1e-5);
    assertTrue(compact.numParams() < network.layout().numParams() * 0.75,
        compact.numParams() + " of " + network.layout().numParams());
  }

  @Test
  void aResNetLosesTheInnerChannelsOfItsBlocksAndComputesTheSame() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 11);
    ReliefNetwork network = Architecture.RESNET20.build(spec);
    NetworkMasks masks = pruned(network);

    ComputationGraph compact = ResNetCompactor.compact(network, masks);

    INDArray batch = Nd4j.rand(DataType.FLOAT, spec.batchShape(16));
    assertEquals(0.0, network.output(batch).sub(compact.outputSingle(false, batch)).amaxNumber().doubleValue(), 1e-5);
    assertEquals(10, compact.getLayer("layer1.0.conv1").getParam("W").size(0), "16 inner channels, 6 killed (every third)");
    assertEquals(16, compact.getLayer("layer1.0.conv2").getParam("W").size(0), "a block's output keeps its width");
    assertTrue(compact.numParams() < network.layout().numParams() * 0.8,
        compact.numParams() + " of " + network.layout().numParams());
  }
}
