package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
   * A step's passes run on Relief's training layers in inference mode ({@link
   * NetworkForm#STATISTICS}): every layer sees and produces what DL4J's own layers give, to float
   * rounding (oneDNN's kernels sum in another order), with BatchNorm statistics that are not the
   * identity and some shortcut channels closed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lenet300-100", "lenet5", "vgg-like", "resnet20"})
  void theStatisticsFormSeesAndProducesWhatDl4jsLayersGive(String id) {
    NetworkSpec spec = spec(id);
    ReliefNetwork saved = spec.build();
    saved.setParams(withBatchNormAndGates(saved));
    ReliefNetwork statistics = spec.buildForStatistics();
    statistics.setParams(saved.params());
    INDArray x = Nd4j.rand(DataType.FLOAT, spec.batchShape(4)).subi(0.25);
    List<PrunableLayer> layers = saved.topology().layers().stream().filter(l -> !l.logits()).toList();
    List<String> names = layers.stream().map(PrunableLayer::name).toList();
    assertEquals(names, statistics.topology().layers().stream().filter(l -> !l.logits()).map(PrunableLayer::name).toList());
    Map<String, INDArray> expected = new java.util.HashMap<>();
    try (ForwardPass pass = saved.forward(x, names)) {
      for (PrunableLayer layer : layers) {
        LayerIO io = pass.get(layer.name());
        expected.put(layer.name() + " input", io.input().detach());
        expected.put(layer.name() + " output", io.output().detach());
        if (layer.hasResidual()) {
          expected.put(layer.name() + " branch", io.branch().detach());
          expected.put(layer.name() + " shortcut", io.shortcut().detach());
        }
      }
    }
    int compared = 0;
    try (ForwardPass pass = statistics.forward(x, names)) {
      for (PrunableLayer layer : layers) {
        LayerIO io = pass.get(layer.name());
        assertClose(expected.get(layer.name() + " input"), io.input(), layer.name() + " input");
        assertClose(expected.get(layer.name() + " output"), io.output(), layer.name() + " output");
        compared += 2;
        if (layer.hasResidual()) {
          assertClose(expected.get(layer.name() + " branch"), io.branch(), layer.name() + " branch");
          assertClose(expected.get(layer.name() + " shortcut"), io.shortcut(), layer.name() + " shortcut");
          compared += 2;
        }
      }
    }
    assertEquals(expected.size(), compared);
  }

  /** Within 1e-4 of the largest expected magnitude, entry by entry, in the same shape. */
  private static void assertClose(INDArray expected, INDArray actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
    float[] e = expected.dup('c').data().asFloat();
    float[] a = actual.dup('c').data().asFloat();
    double scale = expected.amaxNumber().doubleValue();
    assertTrue(scale > 0, what + " is not all zero");
    for (int i = 0; i < e.length; i++) {
      if (Math.abs(e[i] - a[i]) > 1e-4 * scale) {
        throw new AssertionError(what + " at " + i + ": expected " + e[i] + ", got " + a[i] + " (scale " + scale + ")");
      }
    }
  }

  /**
   * The network's parameters with every BatchNorm's gamma, beta, running mean and variance drawn
   * away from their initial 1, 0, 0, 1, and every third shortcut channel closed.
   */
  private static float[] withBatchNormAndGates(ReliefNetwork net) {
    float[] params = net.params();
    java.util.Random random = new java.util.Random(5);
    float[][] ranges = {{0.5f, 1.5f}, {-0.2f, 0.2f}, {-0.2f, 0.2f}, {0.5f, 1.5f}};
    for (PrunableLayer layer : net.topology().layers()) {
      ParamLayout.Segments s = net.layout().of(layer.name());
      for (int k = 0; s.batchNorm() != null && k < 4; k++) {
        for (int j = 0; j < layer.outputs(); j++) {
          params[(int) s.batchNorm()[k] + j] = ranges[k][0] + random.nextFloat() * (ranges[k][1] - ranges[k][0]);
        }
      }
      for (int j = 0; s.hasGate() && j < layer.outputs(); j += 3) {
        params[(int) s.gateOffset() + j] = 0f;
      }
    }
    return params;
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
    boolean lenet = id.startsWith("lenet");
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
