package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A convolution whose kernel covers the whole input map from every output position runs as
 * matrix products, and is still DL4J's convolution: same outputs, same gradients.
 */
class WholeMapConvolutionTest {

  private static ConvolutionLayer conv(int in, int out, int kernel, int pad, Activation activation, boolean bias) {
    return new ConvolutionLayer.Builder(kernel, kernel).nIn(in).nOut(out).padding(pad, pad)
        .activation(activation).hasBias(bias).build();
  }

  @Test
  void coversOnlyMapsTheKernelSpansFromEveryOutput() {
    ConvolutionLayer k3 = conv(4, 4, 3, 1, Activation.IDENTITY, true);
    assertTrue(WholeMapConvolution.covers(k3, InputType.convolutional(2, 2, 4)), "VGG's 2x2 maps");
    assertTrue(WholeMapConvolution.covers(k3, InputType.convolutional(1, 1, 4)));
    assertTrue(WholeMapConvolution.covers(k3, InputType.convolutional(2, 1, 4)));
    assertFalse(WholeMapConvolution.covers(k3, InputType.convolutional(3, 3, 4)), "pixel 2 is out of output 0's reach");
    assertFalse(WholeMapConvolution.covers(k3, InputType.convolutional(4, 4, 4)));
    assertFalse(WholeMapConvolution.covers(conv(4, 4, 3, 0, Activation.IDENTITY, true), InputType.convolutional(2, 2, 4)),
        "no output at all");
    assertFalse(WholeMapConvolution.covers(k3, InputType.feedForward(16)));
  }

  /** A DL4J convolution in front (so the input gradient is used), the convolution under test, an output layer. */
  private static MultiLayerNetwork network(Layer tested, int map) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
        .cacheMode(CacheMode.DEVICE).updater(new Adam(1e-3)).list()
        .layer(conv(3, 8, 3, 1, Activation.RELU, true))
        .layer(tested)
        .layer(new OutputLayer.Builder().nOut(5).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(map, map, 3)).build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  @ParameterizedTest
  @CsvSource({"2, IDENTITY, true", "2, RELU, true", "2, IDENTITY, false", "1, RELU, true"})
  void outputsAndGradientsAreDl4jsConvolution(int map, Activation activation, boolean bias) {
    ConvolutionLayer plainConv = conv(8, 6, 3, 1, activation, bias);
    MultiLayerNetwork plain = network(plainConv, map);
    MultiLayerNetwork whole = network(WholeMapConvolution.of(plainConv), map);
    assertInstanceOf(WholeMapConvolutionLayer.class, whole.getLayer(1));
    whole.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(3);
    INDArray features = Nd4j.rand(DataType.FLOAT, 7, 3, map, map).subi(0.5);
    INDArray labels = Nd4j.eye(5).getRows(0, 1, 2, 3, 4, 0, 1).castTo(DataType.FLOAT);

    INDArray expectedOut = plain.output(features);
    INDArray gotOut = whole.output(features);
    assertEquals(0.0, expectedOut.sub(gotOut).amaxNumber().doubleValue(), 1e-6, "outputs");

    INDArray expected = gradient(plain, features, labels);
    INDArray got = gradient(whole, features, labels);
    double scale = expected.amaxNumber().doubleValue();
    assertTrue(scale > 0, "a gradient to compare");
    assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / scale, 1e-5,
        "largest gradient difference, relative to the largest entry (the first layer's part needs the input gradient)");
    assertEquals(plain.score(), whole.score(), 1e-6);
  }

  /**
   * Inference keeps the matrix of kernels between calls; it must follow the kernels whenever they
   * change: by a training step, or by parameters set from outside (a pruning step's masks).
   */
  @Test
  void inferenceFollowsKernelsChangedByTrainingOrFromOutside() {
    ConvolutionLayer plainConv = conv(8, 6, 3, 1, Activation.RELU, true);
    MultiLayerNetwork plain = network(plainConv, 2);
    MultiLayerNetwork whole = network(WholeMapConvolution.of(plainConv), 2);
    whole.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(4);
    INDArray features = Nd4j.rand(DataType.FLOAT, 6, 3, 2, 2).subi(0.5);
    INDArray labels = Nd4j.eye(5).getRows(0, 1, 2, 3, 4, 0).castTo(DataType.FLOAT);
    assertSameOutputs(plain, whole, features, "before any change");
    assertSameOutputs(plain, whole, features, "again, on the kept matrix");

    plain.fit(features, labels);
    whole.fit(features, labels);
    assertSameOutputs(plain, whole, features, "after a training step");

    INDArray before = whole.output(features);
    INDArray kernels = plain.getLayer(1).getParam("W").dup();
    kernels.putScalar(Nd4j.argMax(Transforms.abs(kernels.reshape(kernels.length()))).getInt(0), 0.0);
    plain.getLayer(1).setParam("W", kernels);
    whole.getLayer(1).setParam("W", kernels.dup());
    assertTrue(before.sub(whole.output(features)).amaxNumber().doubleValue() > 1e-4, "the largest kernel weight matters");
    assertSameOutputs(plain, whole, features, "after one kernel weight was set to zero from outside");
  }

  private static void assertSameOutputs(MultiLayerNetwork plain, MultiLayerNetwork whole, INDArray features, String when) {
    assertEquals(0.0, plain.output(features).sub(whole.output(features)).amaxNumber().doubleValue(), 1e-6, when);
  }

  private static INDArray gradient(MultiLayerNetwork net, INDArray features, INDArray labels) {
    net.setInput(features);
    net.setLabels(labels);
    net.computeGradientAndScore();
    return net.gradient().gradient().dup();
  }

  /** VGGs on 32×32 images end in a block of convolutions on 2×2 maps; on 64×64 (Tiny-ImageNet) on 4×4, which do not qualify. */
  @ParameterizedTest
  @CsvSource({"vgg11, 32, 2", "vgg19, 32, 4", "vgg16, 64, 0", "lenet5, 28, 0"})
  void networksBuiltToTrainConvertExactlyTheirWholeMapConvolutions(String id, int size, int expected) {
    int channels = id.startsWith("lenet") ? 1 : 3;
    NetworkSpec spec = new NetworkSpec(Architecture.fromId(id), channels, size, size, 10, 7);
    MultiLayerNetwork trained = (MultiLayerNetwork) spec.architecture()
        .trainable(spec, new Adam(1e-3), 0, spec.build().params()).dl4j();
    assertEquals(expected, Arrays.stream(trained.getLayers()).filter(l -> l instanceof WholeMapConvolutionLayer).count());
  }

  @Test
  void vggLikeTrainsItsThree2x2ConvolutionsSoAndSparkWorkersRebuildThem() {
    NetworkSpec spec = new NetworkSpec(Architecture.VGG_LIKE, 3, 32, 32, 10, 7);
    MultiLayerNetwork trained = (MultiLayerNetwork) spec.architecture()
        .trainable(spec, new Adam(1e-3), 0, spec.build().params()).dl4j();
    String[] whole = Arrays.stream(trained.getLayers())
        .filter(l -> l instanceof WholeMapConvolutionLayer)
        .map(l -> l.conf().getLayer().getLayerName())
        .toArray(String[]::new);
    assertEquals(Arrays.asList("features.34", "features.37", "features.40"), Arrays.asList(whole));

    MultiLayerConfiguration conf = trained.getLayerWiseConfigurations();
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertInstanceOf(WholeMapConvolution.class, back.getConf(trained.getLayer(whole[0]).getIndex()).getLayer());
  }
}
