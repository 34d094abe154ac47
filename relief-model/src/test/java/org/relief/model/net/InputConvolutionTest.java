package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The first convolution of a network being trained skips its input gradient and computes its
 * weight gradient itself: every gradient of the network is DL4J's own, to float precision.
 * DL4J's kernels on both sides (Relief's own primitives have ConvolutionPrimitivesTest): the
 * whole networks' gradients are compared at batch 8, where a 1e-6 relative change of the input
 * moves VGG-like's gradient by ~0.5 %, so only bitwise-equal convolutions compare at 1e-4.
 */
@org.junit.jupiter.api.extension.ExtendWith(Dl4jConvolutions.class)
class InputConvolutionTest {

  private static NetworkSpec spec(String id) {
    return id.startsWith("lenet")
        ? new NetworkSpec(Architecture.fromId(id), 1, 28, 28, 10, 7)
        : new NetworkSpec(Architecture.fromId(id), 3, 32, 32, 10, 7);
  }

  /** Gradient and score of {@code model} on a fixed batch; dropout draws from a reset seed. */
  private static INDArray gradient(Model model, INDArray features, INDArray labels) {
    Nd4j.getRandom().setSeed(12);
    if (model instanceof ComputationGraph g) {
      g.setInputs(features);
      g.setLabels(labels);
      g.computeGradientAndScore();
    } else {
      ((MultiLayerNetwork) model).setInput(features);
      ((MultiLayerNetwork) model).setLabels(labels);
      ((MultiLayerNetwork) model).computeGradientAndScore();
    }
    return model.gradient().gradient().dup();
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-like", "resnet20"})
  void trainingGradientsAreDl4jsOwn(String id) {
    NetworkSpec spec = spec(id);
    Architecture a = spec.architecture();
    float[] params = spec.build().params();
    Model trained = a.trainable(spec, new Adam(1e-3), 5e-4, params).dl4j();
    Model plain;
    INDArray flat = Nd4j.createFromArray(params).reshape(1, params.length);
    if (a.graph()) {
      plain = new ComputationGraph(a.graphConfiguration(spec, new Adam(1e-3), 5e-4));
      ((ComputationGraph) plain).init(flat.dup(), false);
      TrainingBatchNorm.install(plain); // the same BatchNorm on both sides: this compares convolutions
      assertInstanceOf(InputConvolutionLayer.class, ((ComputationGraph) trained).getLayer("conv1"));
    } else {
      plain = new MultiLayerNetwork(a.configuration(spec, new Adam(1e-3), 5e-4));
      ((MultiLayerNetwork) plain).init(flat.dup(), false);
      TrainingBatchNorm.install(plain);
      assertInstanceOf(InputConvolutionLayer.class, ((MultiLayerNetwork) trained).getLayer(0));
    }
    INDArray features = Nd4j.rand(DataType.FLOAT, spec.batchShape(8));
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
    for (int i = 0; i < 8; i++) {
      labels.putScalar(i, i % 10, 1f);
    }

    INDArray expected = gradient(plain, features, labels);
    INDArray got = gradient(trained, features, labels);

    double scale = expected.amaxNumber().doubleValue();
    assertTrue(scale > 0, "a gradient to compare");
    assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / scale, 1e-4,
        "largest difference, relative to the largest gradient entry");
    assertEquals(plain.score(), trained.score(), 1e-5);
  }

  /** Stride 2 with padding (not in Relief's networks): DL4J's own backward pass, same gradients. */
  @org.junit.jupiter.api.Test
  void aStridedPaddedFirstConvolutionHasDl4jsGradientsToo() {
    org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv = new org.deeplearning4j.nn.conf.layers.ConvolutionLayer
        .Builder(3, 3).nIn(3).nOut(4).stride(2, 2).padding(1, 1).activation(org.nd4j.linalg.activations.Activation.RELU)
        .build();
    java.util.function.Function<org.deeplearning4j.nn.conf.layers.Layer, MultiLayerNetwork> net = first -> {
      MultiLayerNetwork n = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
          .seed(3).dataType(DataType.FLOAT).cacheMode(org.deeplearning4j.nn.conf.CacheMode.DEVICE).list()
          .layer(first)
          .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(10)
              .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
          .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(11, 11, 3)).build());
      n.init();
      return n;
    };
    MultiLayerNetwork plain = net.apply(conv);
    MultiLayerNetwork trained = net.apply(InputConvolution.of(conv));
    trained.setParams(plain.params().dup());
    INDArray features = Nd4j.rand(DataType.FLOAT, 6, 3, 11, 11);
    INDArray labels = Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5).castTo(DataType.FLOAT);

    INDArray expected = gradient(plain, features, labels);
    INDArray got = gradient(trained, features, labels);

    assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue(), 1e-4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "resnet20"})
  void theTrainingConfigurationSurvivesJsonAsSparkWorkersRebuildIt(String id) {
    NetworkSpec spec = spec(id);
    Model trained = spec.architecture().trainable(spec, new Adam(1e-3), 0, spec.build().params()).dl4j();
    if (trained instanceof ComputationGraph g) {
      ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
      assertInstanceOf(InputConvolution.class, ((LayerVertex) back.getVertices().get("conv1")).getLayerConf().getLayer());
      assertEquals(g.getConfiguration(), back);
    } else {
      MultiLayerConfiguration conf = ((MultiLayerNetwork) trained).getLayerWiseConfigurations();
      MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
      assertInstanceOf(InputConvolution.class, back.getConf(0).getLayer());
      assertEquals(conf, back);
    }
  }
}
