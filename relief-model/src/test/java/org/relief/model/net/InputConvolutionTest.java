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
 */
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
      assertInstanceOf(InputConvolutionLayer.class, ((ComputationGraph) trained).getLayer("conv1"));
    } else {
      plain = new MultiLayerNetwork(a.configuration(spec, new Adam(1e-3), 5e-4));
      ((MultiLayerNetwork) plain).init(flat.dup(), false);
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
