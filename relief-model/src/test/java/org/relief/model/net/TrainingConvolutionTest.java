package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A convolution as trained skips only DL4J's copy of its output into the forward cache: it
 * trains to exactly DL4J's weights (DL4J's kernels on both sides: this checks the forward cache
 * bitwise; Relief's own primitives have ConvolutionPrimitivesTest).
 */
@org.junit.jupiter.api.extension.ExtendWith(Dl4jConvolutions.class)
class TrainingConvolutionTest {

  private static MultiLayerNetwork network(UnaryOperator<ConvolutionLayer> form, Activation convActivation) {
    ConvolutionLayer second = new ConvolutionLayer.Builder(3, 3).nIn(6).nOut(5).padding(1, 1)
        .activation(convActivation).build();
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4).dataType(DataType.FLOAT)
        .cacheMode(CacheMode.DEVICE).updater(new Adam(1e-2)).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(3).nOut(6).padding(1, 1).activation(Activation.RELU).build())
        .layer(form.apply(second))
        .layer(new BatchNormalization.Builder().nOut(5).build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder().nOut(4).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(6, 6, 3)).build());
    net.init();
    return net;
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU"})
  void trainsToExactlyDl4jsWeights(Activation convActivation) {
    OneDnnHelpers.enable();
    MultiLayerNetwork plain = network(c -> c, convActivation);
    MultiLayerNetwork trained = network(TrainingConvolution::of, convActivation);
    assertInstanceOf(TrainingConvolutionLayer.class, trained.getLayer(1));
    trained.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(8);
    INDArray features = Nd4j.rand(DataType.FLOAT, 10, 3, 6, 6);
    INDArray labels = Nd4j.eye(4).getRows(0, 1, 2, 3, 0, 1, 2, 3, 0, 1).castTo(DataType.FLOAT);
    for (int step = 0; step < 3; step++) {
      plain.fit(features, labels);
      trained.fit(features, labels);
    }
    assertArrayEquals(plain.params().toFloatVector(), trained.params().toFloatVector(), "bitwise the same weights");
    assertEquals(plain.score(), trained.score(), 0.0);
  }

  @Test
  void everyResNetConvolutionButTheStemIsOneWhenTrained() {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 7);
    ComputationGraph g = (ComputationGraph) spec.architecture().trainable(spec, new Adam(1e-3), 0, spec.build().params()).dl4j();
    long convolutions = java.util.Arrays.stream(g.getLayers())
        .filter(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer).count();
    long training = java.util.Arrays.stream(g.getLayers())
        .filter(l -> l.getClass() == TrainingConvolutionLayer.class).count();
    assertEquals(19, convolutions);
    assertEquals(18, training, "the stem is an InputConvolution");
    assertInstanceOf(InputConvolutionLayer.class, g.getLayer("conv1"));
  }
}
