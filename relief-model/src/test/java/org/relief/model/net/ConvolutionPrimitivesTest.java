package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A convolution as trained runs on Relief's own oneDNN primitives and is still DL4J's
 * convolution: the same outputs and gradients (to float rounding: oneDNN may pick Winograd),
 * for strides, paddings, kernels, with and without bias and activation, and for a batch size that
 * changes between calls.
 */
class ConvolutionPrimitivesTest {

  @BeforeAll
  static void oneDnnLoads() {
    assertTrue(OneDnn.available(), () -> "oneDNN did not load: " + OneDnn.loadFailure());
  }

  /** A DL4J convolution in front (so the tested layer's input gradient is used), the tested convolution, an output layer. */
  private static MultiLayerNetwork network(Layer tested, int map) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
        .cacheMode(CacheMode.DEVICE).updater(new Adam(1e-3)).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(16).padding(1, 1).activation(Activation.RELU).build())
        .layer(tested)
        .layer(new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(map, map, 3)).build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @ParameterizedTest(name = "{0}x{0} map, kernel {1}, stride {2}, padding {3}, {4}, bias {5}")
  @CsvSource({
      "8, 3, 1, 1, IDENTITY, true", // VGG's convolutions (Winograd where oneDNN picks it)
      "8, 3, 1, 1, IDENTITY, false", // ResNet's
      "8, 3, 2, 1, IDENTITY, false", // ResNet's downsampling: less padding at the bottom/right than the top/left
      "9, 5, 1, 0, RELU, true", // LeNet-5's second convolution
      "7, 3, 2, 0, RELU, true",
      "4, 1, 1, 0, IDENTITY, true"})
  void outputsAndGradientsAreDl4jsConvolution(int map, int kernel, int stride, int pad, Activation activation,
      boolean bias) {
    ConvolutionLayer plainConv = new ConvolutionLayer.Builder(kernel, kernel).nIn(16).nOut(24).stride(stride, stride)
        .padding(pad, pad).activation(activation).hasBias(bias).build();
    MultiLayerNetwork plain = network(plainConv, map);
    MultiLayerNetwork own = network(TrainingConvolution.of(plainConv), map);
    TrainingConvolutionLayer layer = assertInstanceOf(TrainingConvolutionLayer.class, own.getLayer(1));
    assertTrue(layer.runsOwnPrimitives());
    own.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(3);
    for (int n : new int[] {7, 4, 7}) { // primitives are remade when the batch size changes
      INDArray features = Nd4j.rand(DataType.FLOAT, n, 3, map, map).subi(0.5);
      INDArray labels = Nd4j.eye(5).getRows(java.util.stream.IntStream.range(0, n).map(i -> i % 5).toArray())
          .castTo(DataType.FLOAT);

      INDArray expectedOut = plain.output(features);
      INDArray gotOut = own.output(features);
      assertEquals(0.0, expectedOut.sub(gotOut).amaxNumber().doubleValue(), 1e-5, "outputs, batch of " + n);

      INDArray expected = gradient(plain, features, labels);
      INDArray got = gradient(own, features, labels);
      double scale = expected.amaxNumber().doubleValue();
      assertTrue(scale > 0, "a gradient to compare");
      assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / scale, 1e-4,
          "largest gradient difference relative to the largest entry (the first layer's part needs the input gradient), batch of " + n);
      assertEquals(plain.score(), own.score(), 1e-5);
    }
    assertEquals(7, layer.primitives(Nd4j.zeros(DataType.FLOAT, 7, 16, map, map)).shape().n());
  }

  /** Layers in a row share a thread's scratchpad and transient buffers; each still gets its own gradients. */
  @org.junit.jupiter.api.Test
  void convolutionsInARowShareBuffersAndKeepTheirGradients() {
    java.util.function.Function<java.util.function.UnaryOperator<ConvolutionLayer>, MultiLayerNetwork> net = form -> {
      MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT)
          .cacheMode(CacheMode.DEVICE).list()
          .layer(new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(16).padding(1, 1).activation(Activation.RELU).build())
          .layer(form.apply(new ConvolutionLayer.Builder(3, 3).nIn(16).nOut(32).padding(1, 1)
              .activation(Activation.RELU).build()))
          .layer(form.apply(new ConvolutionLayer.Builder(3, 3).nIn(32).nOut(16).stride(2, 2).padding(1, 1)
              .activation(Activation.RELU).build()))
          .layer(form.apply(new ConvolutionLayer.Builder(3, 3).nIn(16).nOut(16).padding(1, 1)
              .activation(Activation.IDENTITY).build()))
          .layer(new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build())
          .setInputType(InputType.convolutional(8, 8, 3)).build());
      n.init();
      return n;
    };
    MultiLayerNetwork plain = net.apply(c -> c);
    MultiLayerNetwork own = net.apply(TrainingConvolution::of);
    own.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(6);
    INDArray features = Nd4j.rand(DataType.FLOAT, 9, 3, 8, 8).subi(0.5);
    INDArray labels = Nd4j.eye(5).getRows(0, 1, 2, 3, 4, 0, 1, 2, 3).castTo(DataType.FLOAT);
    for (int step = 0; step < 2; step++) { // the second step finds the buffers in use since the first
      INDArray expected = gradient(plain, features, labels);
      INDArray got = gradient(own, features, labels);
      assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue(), 1e-4);
    }
  }

  /** -Drelief.onednn.algorithm=direct keeps oneDNN off Winograd (its choice for 3×3 layers where the CPU has it). */
  @org.junit.jupiter.api.Test
  void theDirectAlgorithmCanBeAskedFor() {
    ConvolutionPrimitives.Shape shape = new ConvolutionPrimitives.Shape(32, 64, 16, 16, 64, 3, 3, 1, 1, 1, 1, 16, 16, true,
        ActivationLayout.PLANAR, ActivationLayout.PLANAR);
    System.setProperty(ConvolutionPrimitives.ALGORITHM_PROPERTY, "direct");
    try (ConvolutionPrimitives direct = new ConvolutionPrimitives(shape)) {
      assertTrue(!direct.implementation().contains("wino"), direct.implementation());
    } finally {
      System.clearProperty(ConvolutionPrimitives.ALGORITHM_PROPERTY);
    }
    try (ConvolutionPrimitives chosen = new ConvolutionPrimitives(shape)) {
      assertEquals(3, chosen.implementation().split(" \\| ").length, chosen.implementation());
    }
  }

  /**
   * An image's few channels run direct: Winograd's transforms cost more than they save there. On
   * 16 channels the forward and backward-data passes run direct too, the weight gradient stays
   * oneDNN's choice (Winograd where the CPU has it); from 32 channels all three are oneDNN's.
   */
  @org.junit.jupiter.api.Test
  void convolutionsOfAFewInputChannelsRunDirect() {
    ConvolutionPrimitives.Shape image = new ConvolutionPrimitives.Shape(32, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1, 32, 32, false,
        ActivationLayout.PLANAR, ActivationLayout.PLANAR);
    try (ConvolutionPrimitives stem = new ConvolutionPrimitives(image)) {
      assertTrue(!stem.implementation().contains("wino"), stem.implementation());
    }
    String[] sixteen = implementations(16);
    assertTrue(!sixteen[0].contains("wino") && !sixteen[1].contains("wino"), String.join(" | ", sixteen));
    String[] thirtyTwo = implementations(32);
    if (thirtyTwo[0].contains("wino")) { // oneDNN picks Winograd on this CPU: so it does for 16 channels' weights
      assertTrue(sixteen[2].contains("wino"), String.join(" | ", sixteen));
      assertTrue(thirtyTwo[1].contains("wino") && thirtyTwo[2].contains("wino"), String.join(" | ", thirtyTwo));
    }
  }

  /** forward | backward data | backward weights of a 3×3 convolution of {@code channels} channels on 16×16 maps. */
  private static String[] implementations(int channels) {
    ConvolutionPrimitives.Shape s = new ConvolutionPrimitives.Shape(32, channels, 16, 16, channels, 3, 3, 1, 1, 1, 1,
        16, 16, false, ActivationLayout.CHANNEL_BLOCKS, ActivationLayout.CHANNEL_BLOCKS);
    try (ConvolutionPrimitives p = new ConvolutionPrimitives(s)) {
      return p.implementation().split(" \\| ");
    }
  }

  /**
   * Activations in channel blocks (oneDNN's nChw16c) give the NCHW primitives' results, laid out
   * in blocks, bit for bit: the primitives are the same and only the reorders around them change.
   * ResNet's stem (image in NCHW, output in blocks), a downsampling and a plain convolution.
   */
  @ParameterizedTest(name = "{0} → {1} channels, stride {2}, input in blocks {3}")
  @CsvSource({"3, 16, 1, false", "16, 32, 2, true", "32, 32, 1, true"})
  void activationsInChannelBlocksGiveTheNchwResults(int in, int out, int stride, boolean inputInBlocks) {
    int map = 8;
    int outMap = (map + 2 - 3) / stride + 1;
    ActivationLayout blocks = ActivationLayout.CHANNEL_BLOCKS;
    ActivationLayout inputLayout = inputInBlocks ? blocks : ActivationLayout.PLANAR;
    ConvolutionPrimitives.Shape planar = new ConvolutionPrimitives.Shape(6, in, map, map, out, 3, 3, stride, stride,
        1, 1, outMap, outMap, false, ActivationLayout.PLANAR, ActivationLayout.PLANAR);
    ConvolutionPrimitives.Shape laidOut = new ConvolutionPrimitives.Shape(6, in, map, map, out, 3, 3, stride, stride,
        1, 1, outMap, outMap, false, inputLayout, blocks);
    Nd4j.getRandom().setSeed(in * 100 + out);
    INDArray x = Nd4j.randn(DataType.FLOAT, 6, in, map, map);
    INDArray w = Nd4j.randn(DataType.FLOAT, out, in, 3, 3);
    INDArray delta = Nd4j.randn(DataType.FLOAT, 6, out, outMap, outMap);
    try (ConvolutionPrimitives p = new ConvolutionPrimitives(planar);
        ConvolutionPrimitives b = new ConvolutionPrimitives(laidOut)) {
      INDArray z = Nd4j.create(DataType.FLOAT, 6, out, outMap, outMap);
      INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
      INDArray dw = Nd4j.create(DataType.FLOAT, w.shape());
      p.forward(x, w, null, z);
      p.backwardData(delta, w, dx);
      p.backwardWeights(x, true, delta, true, dw, null);

      INDArray xIn = inputLayout.fromPlanar(x);
      INDArray deltaIn = blocks.fromPlanar(delta);
      INDArray zBlocks = Nd4j.create(DataType.FLOAT, z.shape());
      INDArray dxIn = Nd4j.create(DataType.FLOAT, x.shape());
      INDArray dwBlocks = Nd4j.create(DataType.FLOAT, w.shape());
      b.forward(xIn, w, null, zBlocks);
      b.backwardData(deltaIn, w, dxIn);
      b.backwardWeights(xIn, true, deltaIn, true, dwBlocks, null);

      assertTrue(z.amaxNumber().doubleValue() > 0);
      assertEquals(z, blocks.toPlanar(zBlocks), "output");
      assertEquals(dx, inputLayout.toPlanar(dxIn), "input gradient");
      assertEquals(dw, dwBlocks, "weight gradient");
    }
  }

  @org.junit.jupiter.api.Test
  void aLayerKeepsThePrimitivesOfItsLastTwoBatchShapes() {
    ConvolutionLayer conv = new ConvolutionLayer.Builder(3, 3).nIn(16).nOut(8).padding(1, 1).build();
    TrainingConvolutionLayer layer = (TrainingConvolutionLayer) network(TrainingConvolution.of(conv), 6).getLayer(1);
    ConvolutionPrimitives full = layer.primitives(Nd4j.zeros(DataType.FLOAT, 120, 16, 6, 6));
    ConvolutionPrimitives last = layer.primitives(Nd4j.zeros(DataType.FLOAT, 80, 16, 6, 6));
    assertEquals(80, last.shape().n());
    assertTrue(full == layer.primitives(Nd4j.zeros(DataType.FLOAT, 120, 16, 6, 6)), "full batches again: kept");
    assertTrue(last == layer.primitives(Nd4j.zeros(DataType.FLOAT, 80, 16, 6, 6)), "the last batch again: kept");
    layer.primitives(Nd4j.zeros(DataType.FLOAT, 50, 16, 6, 6)); // a third shape frees the older of the two
    assertTrue(full != layer.primitives(Nd4j.zeros(DataType.FLOAT, 120, 16, 6, 6)), "made anew");
  }

  /** The first convolution computes only its weight gradients, on the primitives too. */
  @ParameterizedTest(name = "{0}, bias {1}")
  @CsvSource({"RELU, true", "IDENTITY, true", "RELU, false"})
  void aFirstConvolutionsWeightGradientsAreDl4jsToo(Activation activation, boolean bias) {
    ConvolutionLayer conv = new ConvolutionLayer.Builder(5, 5).nIn(3).nOut(20).activation(activation).hasBias(bias)
        .build();
    java.util.function.Function<Layer, MultiLayerNetwork> net = first -> {
      MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
          .cacheMode(CacheMode.DEVICE).list()
          .layer(first)
          .layer(new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build())
          .setInputType(InputType.convolutional(12, 12, 3)).build());
      n.init();
      return n;
    };
    MultiLayerNetwork plain = net.apply(conv);
    MultiLayerNetwork own = net.apply(InputConvolution.of(conv));
    assertTrue(assertInstanceOf(InputConvolutionLayer.class, own.getLayer(0)).runsOwnPrimitives());
    own.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(4);
    INDArray features = Nd4j.rand(DataType.FLOAT, 6, 3, 12, 12).subi(0.5);
    INDArray labels = Nd4j.eye(5).getRows(0, 1, 2, 3, 4, 0).castTo(DataType.FLOAT);

    INDArray expected = gradient(plain, features, labels);
    INDArray got = gradient(own, features, labels);
    assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue(), 1e-4);
  }

  private static INDArray gradient(MultiLayerNetwork net, INDArray features, INDArray labels) {
    net.setInput(features);
    net.setLabels(labels);
    net.computeGradientAndScore();
    return net.gradient().gradient().dup();
  }
}
