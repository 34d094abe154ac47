package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.ReliefInputException;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/** The DL4J networks as NNrelief sees them. */
class SequentialNetworkTest {
  private final NetworkSpec lenet5 = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 5);
  private final NetworkSpec lenet300 = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 5);

  @Test
  void lenet5HasThePapersShapesAndParameterCount() {
    ReliefNetwork net = lenet5.build();
    NetworkTopology t = net.topology();
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), t.layers().stream().map(PrunableLayer::name).toList());
    PrunableLayer conv2 = t.layer("conv2");
    assertEquals(LayerKind.CONV, conv2.kind());
    assertEquals(12, conv2.inH());
    assertEquals(8, conv2.outH());
    assertEquals(20, conv2.inputs());
    assertEquals(800, t.layer("fc1").inputs());
    assertTrue(t.layer("fc2").logits());
    assertEquals(16, t.feedsFrom("conv2").get(0).unitSpan(), "50 filters x 4x4 map flattened into fc1");
    assertEquals(431_080, net.layout().numParams());
  }

  @Test
  void lenet300HasThePapersParameterCount() {
    assertEquals(266_610, lenet300.build().layout().numParams());
  }

  @Test
  void weightsComeOutInPyTorchOrderWhateverDl4jStores() {
    SequentialNetwork net = (SequentialNetwork) lenet300.build();
    INDArray dl4jW = net.dl4j().getLayer(0).getParam("W"); // [in, out]
    float[] canonical = net.weights("fc1"); // [out, in]
    assertEquals(dl4jW.getFloat(5, 7), canonical[7 * 784 + 5]);
    SequentialNetwork conv = (SequentialNetwork) lenet5.build();
    INDArray k = conv.dl4j().getLayer(2).getParam("W"); // [out, in, kh, kw]
    assertEquals(k.getFloat(3, 4, 1, 2), conv.weights("conv2")[((3 * 20 + 4) * 5 + 1) * 5 + 2]);
  }

  @Test
  void aFlatMaskZeroesExactlyThePrunedParametersAsDl4jSeesThem() {
    SequentialNetwork net = (SequentialNetwork) lenet5.build();
    PrunableLayer fc1 = net.topology().layer("fc1");
    boolean[] w = new boolean[(int) fc1.weightCount()];
    java.util.Arrays.fill(w, true);
    w[3 * 800 + 9] = false; // unit 3, input 9
    boolean[] b = new boolean[500];
    java.util.Arrays.fill(b, true);
    b[42] = false;
    NetworkMasks masks = NetworkMasks.full(net.topology()).with(List.of(LayerMask.of(fc1, w, b)));

    net.setParams(masks.apply(net.params(), net.layout()));

    INDArray dl4jW = net.dl4j().getLayer(4).getParam("W");
    assertEquals(0f, dl4jW.getFloat(9, 3));
    assertTrue(dl4jW.getFloat(9, 4) != 0f && dl4jW.getFloat(8, 3) != 0f);
    assertEquals(0f, net.dl4j().getLayer(4).getParam("b").getFloat(42));
    assertEquals(1, java.util.stream.IntStream.range(0, net.params().length).filter(i -> net.params()[i] == 0f).count() - 1);
  }

  @Test
  void forwardGivesEachLayerItsInputAndOutputLogitsForTheLastLayer() {
    ReliefNetwork net = lenet5.build();
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 28, 28);
    INDArray probabilities = net.output(x);
    INDArray logits;
    try (ForwardPass io = net.forward(x, List.of("conv2", "fc1", "fc2"))) {
      assertArrayEquals(new long[] {4, 20, 12, 12}, io.get("conv2").input().shape());
      assertArrayEquals(new long[] {4, 50, 8, 8}, io.get("conv2").output().shape());
      assertArrayEquals(new long[] {4, 800}, io.get("fc1").input().shape());
      logits = io.get("fc2").output().detach(); // the pass's arrays are gone once it closes
    }
    // softmax of the logits is the network's output
    INDArray softmax = org.nd4j.linalg.ops.transforms.Transforms.softmax(logits, true);
    assertTrue(softmax.equalsWithEps(probabilities, 1e-5));
  }

  @Test
  void theSameSpecBuildsTheSameWeightsEveryTime() {
    for (NetworkSpec spec : List.of(lenet5, lenet300)) {
      float[] first = spec.build().params();
      assertArrayEquals(first, spec.build().params(), spec.toString());
      assertArrayEquals(first, spec.build().params(), spec.toString());
      NetworkSpec other = new NetworkSpec(spec.architecture(), 1, 28, 28, 10, spec.seed() + 1);
      assertTrue(!java.util.Arrays.equals(first, other.build().params()), "another seed, other weights");
    }
  }

  @Test
  void weightsAreKaimingNormal() {
    float[] w = lenet300.build().weights("fc1");
    double sumSquares = 0;
    for (float v : w) {
      sumSquares += (double) v * v;
    }
    assertEquals(2.0 / 784, sumSquares / w.length, 0.05 * 2.0 / 784, "variance 2 / fan-in");
  }

  @Test
  void biasesFollowPyTorchsDefaultRange() {
    float[] b = lenet300.build().biases("fc1");
    double bound = 1 / Math.sqrt(784);
    for (float v : b) {
      assertTrue(Math.abs(v) <= bound, "bias " + v);
    }
    assertTrue(java.util.stream.IntStream.range(0, b.length).filter(i -> b[i] != 0f).count() > 290);
  }

  @Test
  void anArchitectureRefusesInputItWasNotBuiltFor() {
    ReliefInputException e = assertThrows(ReliefInputException.class,
        () -> Architecture.LENET5.checkInput(3, 32, 32, "cifar10"));
    assertTrue(e.getMessage().contains("lenet5") && e.getMessage().contains("3x32x32"), e.getMessage());
    assertThrows(ReliefInputException.class, () -> Architecture.fromId("lenet7"));
    assertEquals(Architecture.LENET_300_100, Architecture.fromId("lenet300-100"));
  }
}
