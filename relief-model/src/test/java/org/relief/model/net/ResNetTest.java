package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.relief.model.ReliefInputException;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.prune.NetworkMasks;

/** The ResNets: shapes, parameter counts, the gated option-A shortcut, the stem flag. */
class ResNetTest {

  /**
   * Conv and linear weights and biases (BatchNorm excluded; ResNet convolutions have no bias),
   * against counts worked out by hand. With BatchNorm's 2 per channel they give the published
   * totals: ResNet-20 269,722; -32 464,154; -44 658,586; -56 853,018; -110 1,727,962.
   */
  @ParameterizedTest
  @CsvSource({
      "resnet20, 32, 10, 268346, 19",
      "resnet32, 32, 10, 461882, 31",
      "resnet44, 32, 10, 655418, 43",
      "resnet56, 32, 10, 848954, 55",
      "resnet110, 32, 10, 1719866, 109",
      "resnet18, 64, 200, 11089800, 17"})
  void weightAndBiasCounts(String id, int size, int classes, long expected, int convs) {
    ReliefNetwork net = new NetworkSpec(Architecture.fromId(id), 3, size, size, classes, 1).build();
    NetworkCensus census = NetworkCensus.of(net.topology(), NetworkMasks.full(net.topology()));
    assertEquals(expected, census.total(), id);
    List<PrunableLayer> conv = net.topology().layersOfKind(LayerKind.CONV);
    assertEquals(convs, conv.size());
    conv.forEach(l -> assertFalse(l.bias(), l.name() + " has no bias"));
    assertEquals((convs - 1) / 2, conv.stream().filter(PrunableLayer::hasResidual).count(), "one shortcut per block");
  }

  @Test
  void blocksAreWiredAsTheReferenceBuildsThem() {
    NetworkTopology t = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 1).build().topology();
    assertEquals(List.of("conv1", "layer1.0.conv1", "layer1.0.conv2"),
        t.layers().subList(0, 3).stream().map(PrunableLayer::name).toList());
    assertEquals(new Residual("layer1.0.shortcut", "conv1", 0, 16), t.layer("layer1.0.conv2").residual());
    assertEquals(new Residual("layer2.0.shortcut", "layer1.2.conv2", 8, 16), t.layer("layer2.0.conv2").residual(),
        "option A: 16 channels land at 8..23 of 32");
    assertEquals(new Residual("layer3.0.shortcut", "layer2.2.conv2", 16, 32), t.layer("layer3.0.conv2").residual());
    assertNull(t.layer("layer2.0.conv1").residual());
    assertEquals("layer2.0.bn2", t.layer("layer2.0.conv2").batchNorm());
    PrunableLayer down = t.layer("layer2.0.conv1");
    assertEquals(2, down.strideH());
    assertEquals(16, down.outH());
    var feed = t.feedsFrom("layer3.2.conv2");
    assertEquals(List.of(new Feed("layer3.2.conv2", "linear", 1)), feed.stream().filter(f -> f.consumer().equals("linear")).toList(),
        "global average pooling: one linear input per channel");
    assertTrue(t.layer("linear").logits());
  }

  @Test
  void theBlockOutputIsTheReluOfBranchPlusGatedOptionAShortcut() {
    ReliefNetwork net = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 3).build();
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32).subi(0.5);
    try (ForwardPass io = net.forward(x, List.of("layer2.0.conv1", "layer2.0.conv2"))) {
      LayerIO block = io.get("layer2.0.conv2");

      assertEquals(Transforms.relu(block.branch().add(block.shortcut()), true), block.output());
      INDArray blockInput = io.get("layer2.0.conv1").input(); // 16 x 32 x 32
      INDArray expected = Nd4j.zeros(DataType.FLOAT, 2, 32, 16, 16);
      expected.get(NDArrayIndex.all(), NDArrayIndex.interval(8, 24), NDArrayIndex.all(), NDArrayIndex.all())
          .assign(blockInput.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 32),
              NDArrayIndex.interval(0, 2, 32)));
      assertEquals(expected, block.shortcut(), "x[:, :, ::2, ::2] zero-padded with 8 channels on each side");
    }
  }

  @Test
  void aClosedGateSilencesItsShortcutChannel() {
    ReliefNetwork net = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 3).build();
    float[] params = net.params();
    long gate = net.layout().of("layer1.1.conv2").gateOffset();
    assertEquals(1f, params[Math.toIntExact(gate + 5)], "gates start open");
    params[Math.toIntExact(gate + 5)] = 0f;
    net.setParams(params);

    try (ForwardPass io = net.forward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), List.of("layer1.1.conv2"))) {
      INDArray shortcut = io.get("layer1.1.conv2").shortcut();
      assertEquals(0.0, shortcut.get(NDArrayIndex.all(), NDArrayIndex.point(5)).norm2Number().doubleValue());
      assertNotEquals(0.0, shortcut.get(NDArrayIndex.all(), NDArrayIndex.point(4)).norm2Number().doubleValue());
    }
  }

  @ParameterizedTest
  @CsvSource({"1, 1, 1, 1", "1, 1, 0, 1", "1, 0.5, 0, 1"})
  void theShortcutScalesEachChannelByItsGateForwardAndBackward(float g0, float g1, float g2, float g3) {
    float[] gates = {g0, g1, g2, g3};
    Layer layer = shortcut(new ShortcutLayer("shortcut", 4, 4, 1, 0), gates);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 3, 3);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, 2, 4, 3, 3);
    INDArray epsilonBefore = epsilon.dup();
    layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());

    INDArray out = layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
    INDArray back = layer.backpropGradient(epsilon, LayerWorkspaceMgr.noWorkspaces()).getSecond();

    for (int c = 0; c < 4; c++) {
      INDArrayIndex[] channel = {NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all()};
      assertEquals(x.get(channel).mul(gates[c]), out.get(channel), "output of channel " + c);
      assertEquals(epsilonBefore.get(channel).mul(gates[c]), back.get(channel), "gradient of channel " + c);
    }
    assertEquals(epsilonBefore, epsilon, "the incoming gradient is left as it was");
  }

  /**
   * An identity shortcut (all gates open) hands its input on in training, where every activation
   * lives in one workspace and the add only reads it; in inference it copies (activations there
   * live in workspaces that are reused, and the pruning step frees each one).
   */
  @Test
  void anOpenIdentityShortcutHandsItsInputOnInTrainingAndCopiesInInference() {
    Layer layer = shortcut(new ShortcutLayer("shortcut", 4, 4, 1, 0), new float[] {1, 1, 1, 1});
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 3, 3);
    layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
    assertSame(x, layer.activate(true, LayerWorkspaceMgr.noWorkspaces()));
    INDArray inference = layer.activate(false, LayerWorkspaceMgr.noWorkspaces());
    assertNotSame(x, inference);
    assertEquals(x, inference);
  }

  /** The layer of {@code conf} on its own, with {@code gates} as its parameters. */
  private static Layer shortcut(ShortcutLayer conf, float[] gates) {
    NeuralNetConfiguration nn = new NeuralNetConfiguration.Builder().layer(conf).build();
    Layer layer = conf.instantiate(nn, List.of(), 0, Nd4j.createFromArray(gates).reshape(1, gates.length), false,
        DataType.FLOAT);
    layer.setBackpropGradientsViewArray(Nd4j.zeros(DataType.FLOAT, 1, gates.length));
    return layer;
  }

  /** Option A: input channels 0, 1 land on output channels 1, 2 at stride 2; channels 0 and 3 are zero padding. */
  @ParameterizedTest
  @CsvSource({"0, 1, 0, 0", "0, 0.5, 1, 0", "1, 1, 1, 1"})
  void theOptionAShortcutGatesForwardAndBackward(float g0, float g1, float g2, float g3) {
    float[] gates = {g0, g1, g2, g3};
    Layer layer = shortcut(new ShortcutLayer("shortcut", 2, 4, 2, 1), gates);
    INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 6, 6);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, 3, 4, 3, 3);
    layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());

    INDArray out = layer.activate(true, LayerWorkspaceMgr.noWorkspaces());
    INDArray back = layer.backpropGradient(epsilon, LayerWorkspaceMgr.noWorkspaces()).getSecond();

    INDArrayIndex every2 = NDArrayIndex.interval(0, 2, 6);
    for (int k = 0; k < 4; k++) {
      INDArray expected = k == 0 || k == 3 ? Nd4j.zeros(DataType.FLOAT, 3, 3, 3)
          : x.get(NDArrayIndex.all(), NDArrayIndex.point(k - 1), every2, every2).mul(gates[k]);
      assertEquals(expected, out.get(NDArrayIndex.all(), NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all()),
          "output channel " + k);
    }
    INDArray expectedBack = Nd4j.zeros(DataType.FLOAT, 3, 2, 6, 6);
    for (int j = 0; j < 2; j++) {
      expectedBack.get(NDArrayIndex.all(), NDArrayIndex.point(j), every2, every2)
          .assign(epsilon.get(NDArrayIndex.all(), NDArrayIndex.point(j + 1), NDArrayIndex.all(), NDArrayIndex.all())
              .mul(gates[j + 1]));
    }
    assertEquals(expectedBack, back);
  }

  /**
   * In channel blocks a shortcut computes what it computes in NCHW, laid out in blocks, bit for
   * bit: ResNet's two option-A shortcuts and an identity shortcut, each with closed gates.
   */
  @ParameterizedTest(name = "{0} → {1} channels, stride {2}, offset {3}")
  @CsvSource({"16, 32, 2, 8", "32, 64, 2, 16", "16, 16, 1, 0"})
  void aShortcutInChannelBlocksComputesWhatItDoesInNchw(int in, int out, int stride, int offset) {
    float[] gates = new float[out];
    for (int k = 0; k < out; k++) {
      gates[k] = k % 5 == 3 ? 0f : 1f + k / 100f;
    }
    ActivationLayout blocks = ActivationLayout.CHANNEL_BLOCKS;
    ShortcutLayer laidOut = new ShortcutLayer("shortcut", in, out, stride, offset);
    laidOut.setLayout(blocks);
    Layer planar = shortcut(new ShortcutLayer("shortcut", in, out, stride, offset), gates);
    Layer inBlocks = shortcut(laidOut, gates);
    Nd4j.getRandom().setSeed(in + out);
    INDArray x = Nd4j.randn(DataType.FLOAT, 3, in, 8, 8);
    INDArray epsilon = Nd4j.randn(DataType.FLOAT, 3, out, 8 / stride, 8 / stride);
    planar.setInput(x, LayerWorkspaceMgr.noWorkspaces());
    inBlocks.setInput(blocks.fromPlanar(x), LayerWorkspaceMgr.noWorkspaces());

    INDArray expected = planar.activate(true, LayerWorkspaceMgr.noWorkspaces());
    INDArray got = inBlocks.activate(true, LayerWorkspaceMgr.noWorkspaces());
    assertEquals(expected, blocks.toPlanar(got), "output");
    INDArray expectedBack = planar.backpropGradient(epsilon, LayerWorkspaceMgr.noWorkspaces()).getSecond();
    INDArray gotBack = inBlocks.backpropGradient(blocks.fromPlanar(epsilon), LayerWorkspaceMgr.noWorkspaces())
        .getSecond();
    assertEquals(expectedBack, blocks.toPlanar(gotBack), "input gradient");
    assertNotEquals(0.0, expectedBack.norm2Number().doubleValue());
  }

  /**
   * The training form keeps its activations in oneDNN's channel blocks where it can (this JVM:
   * oneDNN and 16-lane vectors) and computes what the same form in NCHW does, on a network with
   * a closed shortcut gate and a closed filter: the same loss, and every parameter's gradient
   * within 1 % of its norm. Not bit for bit: BatchNorm and the pooling sum in other orders, and
   * one ReLU gate of the ~10⁵ that flips on a last-bit difference moves a gradient by ~0.2 %
   * (measured; a batch input perturbed by 1e-6 moves the parameters after three steps as much
   * as the layout does). A layout read wrongly moves them by their whole size.
   */
  @Test
  void theTrainingFormInChannelBlocksComputesWhatItDoesInNchw() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 16, 16, 4, 5);
    ReliefNetwork fresh = spec.build();
    float[] params = fresh.params();
    params[Math.toIntExact(fresh.layout().of("layer2.0.conv2").gateOffset() + 3)] = 0f;
    ParamLayout.Segments conv1 = fresh.layout().of("layer1.1.conv1");
    java.util.Arrays.fill(params, Math.toIntExact(conv1.weightOffset()), Math.toIntExact(conv1.weightOffset() + 16 * 9),
        0f); // its filter 0
    ReliefNetwork blocked = spec.architecture().trainable(spec, new org.nd4j.linalg.learning.config.Sgd(0.05), 5e-4,
        params);
    ReliefNetwork planar;
    System.setProperty(ActivationLayout.PROPERTY, "planar");
    try {
      planar = spec.architecture().trainable(spec, new org.nd4j.linalg.learning.config.Sgd(0.05), 5e-4, params);
    } finally {
      System.clearProperty(ActivationLayout.PROPERTY);
    }
    assertEquals(ActivationLayout.CHANNEL_BLOCKS, layoutOf(blocked, "layer3.2.conv2"));
    assertEquals(ActivationLayout.PLANAR, layoutOf(planar, "layer3.2.conv2"));

    Nd4j.getRandom().setSeed(8);
    INDArray x = Nd4j.rand(DataType.FLOAT, 10, 3, 16, 16).subi(0.5);
    INDArray labels = oneHot(10, 4, i -> i);
    Map<String, INDArray> expected = gradients(planar, x, labels);
    Map<String, INDArray> got = gradients(blocked, x, labels);
    assertEquals(planar.dl4j().score(), blocked.dl4j().score(), 1e-6 * planar.dl4j().score(), "loss");
    assertEachWithinOnePercent(expected, got);
    for (int step = 0; step < 3; step++) {
      planar.fit(new DataSet(x, labels));
      blocked.fit(new DataSet(x, labels));
    }
    assertEquals(planar.dl4j().score(), blocked.dl4j().score(), 1e-2 * planar.dl4j().score(), "loss after three steps");
    INDArray expectedOut = planar.output(x);
    assertEquals(0.0, expectedOut.sub(blocked.output(x)).amaxNumber().doubleValue(), 1e-2, "outputs after three steps");
  }

  /**
   * The training form (channel blocks, folded ReLUs, the add's one gradient shared by its two
   * inputs, open identity shortcuts that hand their input on) computes the saved form's loss and
   * gradients (DL4J's own layers), every parameter's within 1 % of its norm.
   */
  @Test
  void theTrainingFormsGradientsAreTheSavedFormsGradients() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 16, 16, 4, 9);
    ReliefNetwork saved = spec.build();
    float[] params = saved.params();
    params[Math.toIntExact(saved.layout().of("layer3.1.conv2").gateOffset() + 5)] = 0f;
    saved.setParams(params);
    ReliefNetwork training = spec.architecture().trainable(spec, new org.nd4j.linalg.learning.config.Sgd(0.1), 0,
        params);
    Nd4j.getRandom().setSeed(4);
    INDArray x = Nd4j.rand(DataType.FLOAT, 12, 3, 16, 16).subi(0.5);
    INDArray labels = oneHot(12, 4, i -> i * 7);
    Map<String, INDArray> expected = gradients(saved, x, labels);
    Map<String, INDArray> got = gradients(training, x, labels);
    assertEquals(saved.dl4j().score(), training.dl4j().score(), 1e-5 * saved.dl4j().score(), "loss");
    assertEachWithinOnePercent(expected, got);
  }

  /** One-hot labels of {@code n} samples over {@code classes}: sample i in class {@code classOf(i) % classes}. */
  private static INDArray oneHot(int n, int classes, java.util.function.IntUnaryOperator classOf) {
    INDArray labels = Nd4j.zeros(DataType.FLOAT, n, classes);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, classOf.applyAsInt(i) % classes, 1);
    }
    return labels;
  }

  /** The same parameters, each gradient no further from the expected one than 1 % of its norm. */
  private static void assertEachWithinOnePercent(Map<String, INDArray> expected, Map<String, INDArray> got) {
    assertEquals(expected.keySet(), got.keySet());
    for (Map.Entry<String, INDArray> e : expected.entrySet()) {
      double norm = e.getValue().norm2Number().doubleValue();
      double apart = e.getValue().sub(got.get(e.getKey())).norm2Number().doubleValue();
      assertTrue(apart <= 1e-2 * norm, e.getKey() + ": gradients " + apart + " apart, norm " + norm);
    }
  }

  /** Each parameter's gradient at {@code x}, by name. */
  private static Map<String, INDArray> gradients(ReliefNetwork net, INDArray x, INDArray labels) {
    org.deeplearning4j.nn.graph.ComputationGraph g = (org.deeplearning4j.nn.graph.ComputationGraph) net.dl4j();
    g.setInputs(x);
    g.setLabels(labels);
    g.computeGradientAndScore();
    Map<String, INDArray> byName = new java.util.TreeMap<>();
    g.gradient().gradientForVariable().forEach((name, value) -> byName.put(name, value.dup()));
    return byName;
  }

  private static ActivationLayout layoutOf(ReliefNetwork net, String conv) {
    org.deeplearning4j.nn.graph.ComputationGraph g = (org.deeplearning4j.nn.graph.ComputationGraph) net.dl4j();
    return ((TrainingConvolution) g.getLayer(conv).conf().getLayer()).getOutputLayout();
  }

  @Test
  void trainingNeverMovesTheGatesWhileItMovesTheWeights() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 16, 16, 4, 5);
    ReliefNetwork fresh = spec.build();
    float[] params = fresh.params();
    long gate = fresh.layout().of("layer3.0.conv2").gateOffset();
    params[Math.toIntExact(gate + 3)] = 0f;
    ReliefNetwork net = spec.architecture().trainable(spec, new Adam(1e-2), 5e-4, params);

    INDArray labels = oneHot(8, 4, i -> i);
    for (int step = 0; step < 3; step++) {
      net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 3, 16, 16), labels));
    }

    float[] after = net.params();
    for (PrunableLayer l : net.topology().layers()) {
      ParamLayout.Segments s = net.layout().of(l.name());
      if (s.hasGate()) {
        for (int k = 0; k < l.outputs(); k++) {
          float before = params[Math.toIntExact(s.gateOffset() + k)];
          assertEquals(before, after[Math.toIntExact(s.gateOffset() + k)], l.name() + " gate " + k);
        }
      }
    }
    assertNotEquals(params[Math.toIntExact(net.layout().of("layer1.0.conv1").weightOffset())],
        after[Math.toIntExact(net.layout().of("layer1.0.conv1").weightOffset())], "the weights did train");
  }

  @Test
  void theReferenceStemFlagLeavesTheStemUnmaskedAndUncounted() {
    ReliefNetwork relief = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 1).build();
    ReliefNetwork reference = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 1, true).build();
    assertTrue(relief.topology().layer("conv1").masked());
    assertFalse(reference.topology().layer("conv1").masked());
    assertTrue(reference.topology().layer("layer1.0.conv1").masked());

    NetworkTopology t = reference.topology();
    boolean[] none = new boolean[432];
    NetworkMasks emptyStem = NetworkMasks.full(t).with(List.of(
        org.relief.model.prune.LayerMask.of(t.layer("conv1"), none, new boolean[0])));
    float[] params = reference.params();
    assertArrayEquals(params, emptyStem.apply(params, reference.layout()), "the reference never applies the stem's mask");
    assertEquals(268_346L - 432, NetworkCensus.of(t, emptyStem).total(), "nor counts the stem (resnet_total_params_mask)");
    assertEquals(268_346L - 432, NetworkCensus.of(t, emptyStem).remaining());
  }

  /**
   * The training form (ReLUs folded into BatchNorm and the adds: fewer vertices) reads as the
   * same prunable layers, keeps every parameter where the saved form has it, and computes the
   * same function: parameters pass between the two as flat vectors.
   */
  @ParameterizedTest
  @CsvSource({"resnet20, 32", "resnet32, 32", "resnet44, 32", "resnet56, 32", "resnet110, 32", "resnet18, 64"})
  void theTrainingFormKeepsTheSavedFormsLayersAndParameterLayout(String id, int size) {
    NetworkSpec spec = new NetworkSpec(Architecture.fromId(id), 3, size, size, 10, 7);
    ReliefNetwork saved = spec.build();
    ReliefNetwork training = spec.architecture().trainable(spec, new Adam(1e-3), 0, saved.params());
    assertTrue(((org.deeplearning4j.nn.graph.ComputationGraph) training.dl4j()).getVertices().length
        < ((org.deeplearning4j.nn.graph.ComputationGraph) saved.dl4j()).getVertices().length, "ReLU vertices folded");
    assertEquals(saved.layout().numParams(), training.layout().numParams());
    for (PrunableLayer layer : saved.topology().layers()) {
      PrunableLayer t = training.topology().layer(layer.name());
      assertEquals(layer.batchNorm(), t.batchNorm());
      assertEquals(layer.residual(), t.residual(), layer.name());
      ParamLayout.Segments a = saved.layout().of(layer.name());
      ParamLayout.Segments b = training.layout().of(layer.name());
      assertEquals(a.weightOffset(), b.weightOffset(), layer.name());
      assertEquals(a.gateOffset(), b.gateOffset(), layer.name());
      assertArrayEquals(a.batchNorm(), b.batchNorm(), layer.name());
    }
    assertEquals(saved.topology().feeds(), training.topology().feeds());
    Nd4j.getRandom().setSeed(2);
    INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, size, size).subi(0.5);
    INDArray expected = saved.output(x);
    assertEquals(0.0, training.output(x).sub(expected).amaxNumber().doubleValue(), 1e-5 * expected.amaxNumber().doubleValue());
  }

  @Test
  void sameSpecSameWeights() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 11);
    assertArrayEquals(spec.build().params(), spec.build().params());
  }

  @Test
  void resnetsRefuseInputsTheirStridesCannotTake() {
    assertThrows(ReliefInputException.class, () -> Architecture.RESNET20.checkInput(1, 28, 28, "fashion-mnist"));
    assertThrows(ReliefInputException.class, () -> Architecture.RESNET20.checkInput(3, 30, 30, "x"));
    Architecture.RESNET20.checkInput(3, 64, 64, "tiny-imagenet");
    assertThrows(ReliefInputException.class, () -> Architecture.RESNET18.checkInput(3, 36, 36, "x"));
  }
}
