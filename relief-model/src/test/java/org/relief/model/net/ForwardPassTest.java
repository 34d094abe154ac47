package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A forward pass walks the network the way DL4J's own {@code feedForward} does, keeping the
 * activations in this thread's pass workspace until it is closed.
 */
class ForwardPassTest {

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-like", "resnet20"})
  void everyLayerSeesAndProducesExactlyWhatDl4jsFeedForwardGives(String id) {
    NetworkSpec spec = spec(id);
    ReliefNetwork net = spec.build();
    INDArray x = Nd4j.rand(DataType.FLOAT, spec.batchShape(3)).subi(0.5);
    List<PrunableLayer> layers = net.topology().layers().stream().filter(l -> !l.logits()).toList();
    List<String> names = layers.stream().map(PrunableLayer::name).toList();
    Dl4jActivations expected = new Dl4jActivations(net, x); // before the pass: DL4J runs outside workspaces
    try (ForwardPass pass = net.forward(x, names)) {
      for (PrunableLayer layer : layers) {
        LayerIO io = pass.get(layer.name());
        assertEquals(expected.ofLayer(layer.activationIndex()), io.output(), layer.name() + " output");
        if (layer.hasResidual()) {
          assertEquals(expected.ofVertex(layer.batchNorm()), io.branch(), layer.name() + " branch");
          assertEquals(expected.ofVertex(layer.residual().shortcutLayer()), io.shortcut(), layer.name() + " shortcut");
        }
      }
      assertEquals(x, pass.get(names.get(0)).input(), "the first layer sees the batch");
    }
  }

  /**
   * An identity shortcut hands the block input on rather than copying it: in a pass every
   * activation stays in the pass workspace until the pass closes (a block's first convolution
   * reads the block input, so its input is what the shortcut carries).
   */
  @Test
  void identityShortcutsHandTheBlockInputOnInAPass() {
    NetworkSpec spec = spec("resnet20");
    ReliefNetwork net = spec.build();
    INDArray x = Nd4j.rand(DataType.FLOAT, spec.batchShape(3));
    List<PrunableLayer> layers = net.topology().layers().stream().filter(l -> !l.logits()).toList();
    int identities = 0;
    try (ForwardPass pass = net.forward(x, layers.stream().map(PrunableLayer::name).toList())) {
      for (int i = 1; i < layers.size(); i++) {
        if (!layers.get(i).hasResidual()) {
          continue;
        }
        INDArray blockInput = pass.get(layers.get(i - 1).name()).input();
        INDArray shortcut = pass.get(layers.get(i).name()).shortcut();
        boolean identity = Arrays.equals(blockInput.shape(), shortcut.shape());
        assertEquals(identity, sameMemory(blockInput, shortcut), layers.get(i).name()
            + (identity ? ": an identity shortcut is the block input itself" : ": a downsampling shortcut is new memory"));
        identities += identity ? 1 : 0;
      }
    }
    assertEquals(7, identities, "ResNet-20: 9 blocks, 2 of them downsampling");
  }

  private static boolean sameMemory(INDArray a, INDArray b) {
    return a.data().address() == b.data().address() && a.offset() == b.offset();
  }

  @Test
  void oneOpenPassPerThreadAndNoneLeftOpenByAFailure() {
    NetworkSpec spec = spec("resnet20");
    ReliefNetwork net = spec.build();
    INDArray x = Nd4j.rand(DataType.FLOAT, spec.batchShape(2));
    List<String> first = List.of(net.topology().layers().get(0).name());
    try (ForwardPass open = net.forward(x, first)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.forward(x, first));
      assertEquals("a forward pass is still open on this thread; close it before starting another", e.getMessage());
    }
    assertThrows(RuntimeException.class, () -> net.forward(Nd4j.rand(DataType.FLOAT, 2, 1, 32, 32), first),
        "one channel into a three-channel stem");
    assertFalse(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread(), "the failed pass closed its workspace");
    assertEquals(2, net.output(x).size(0), "DL4J's own inference, which refuses to run inside a workspace, runs");
  }

  private static NetworkSpec spec(String id) {
    boolean lenet = id.equals("lenet5");
    return new NetworkSpec(Architecture.fromId(id), lenet ? 1 : 3, lenet ? 28 : 32, lenet ? 28 : 32, 10, 11);
  }

  /** Every activation of DL4J's own inference-mode {@code feedForward}, detached. */
  private record Dl4jActivations(ReliefNetwork net, List<INDArray> chain, Map<String, INDArray> graph) {
    Dl4jActivations(ReliefNetwork net, INDArray x) {
      this(net, net.dl4j() instanceof MultiLayerNetwork m ? m.feedForward(x, false) : null,
          net.dl4j() instanceof ComputationGraph g ? g.feedForward(x, false) : null);
    }

    /** A chain layer's output, or a graph vertex's by index. */
    INDArray ofLayer(int index) {
      return chain != null ? chain.get(index + 1) : ofVertex(((ComputationGraph) net.dl4j()).getVertices()[index].getVertexName());
    }

    INDArray ofVertex(String name) {
      return graph.get(name);
    }
  }
}
