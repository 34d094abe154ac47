package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The ReLU layer of a network being trained computes exactly what DL4J's activation layer does. */
class TrainingReluTest {

  /** z with the edge cases of ReLU's gate: +0 and −0 close it, the smallest positive opens it. */
  private static INDArray preActivation(long... shape) {
    Nd4j.getRandom().setSeed(5);
    INDArray z = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    z.putScalar(0, 0f);
    z.putScalar(1, -0f);
    z.putScalar(2, Float.MIN_VALUE);
    return z;
  }

  @Test
  void forwardIsNd4jsRelu() {
    for (long[] shape : new long[][] {{6, 5, 7, 9}, {11, 300}, {3, 2, 1, 1}}) {
      INDArray z = preActivation(shape);
      INDArray before = z.dup();
      INDArray out = Nd4j.create(DataType.FLOAT, shape);

      ElementwisePasses.fastest().gate(z, null, out);

      assertEquals(new ActivationReLU().getActivation(z.dup(), true), out);
      assertEquals(before, z, "the input is left as it was");
      assertEquals(Float.MIN_VALUE, out.getFloat(2));
    }
  }

  @Test
  void backwardIsNd4jsReluBackward() {
    INDArray z = preActivation(6, 5, 7, 9);
    // a gradient that is a view in another order, as DL4J may pass one
    INDArray grad = Nd4j.rand(DataType.FLOAT, 5, 6, 7, 9).subi(0.5).permute(1, 0, 2, 3);
    INDArray expected = new ActivationReLU().backprop(z.dup(), grad.dup()).getFirst();
    INDArray out = Nd4j.create(DataType.FLOAT, 6, 5, 7, 9);

    ElementwisePasses.fastest().gate(z, grad, out);

    assertEquals(expected, out);
    assertEquals(0f, out.getFloat(0));
    assertEquals(0f, out.getFloat(1));
    assertEquals(grad.getFloat(0, 0, 0, 2), out.getFloat(2));
  }

  @Test
  void onlyPlainRelusWithoutDropoutAreReplaced() {
    Layer plain = new ActivationLayer.Builder().name("features.2").activation(Activation.RELU).build();
    Layer trained = TrainingRelu.trainingFormOf(plain);
    assertInstanceOf(TrainingRelu.class, trained);
    assertEquals("features.2", trained.getLayerName());

    Layer leaky = new ActivationLayer.Builder().activation(Activation.LEAKYRELU).build();
    assertSame(leaky, TrainingRelu.trainingFormOf(leaky));
    Layer dropped = new ActivationLayer.Builder().activation(Activation.RELU).dropOut(new Dropout(0.5)).build();
    assertSame(dropped, TrainingRelu.trainingFormOf(dropped));
  }

  /** Spark workers rebuild a network from its JSON: the training layers must survive it. */
  @Test
  void networksToTrainUseItAndKeepItThroughJson() {
    NetworkSpec vgg = new NetworkSpec(Architecture.fromId("vgg-like"), 3, 32, 32, 10, 7);
    MultiLayerNetwork chain = (MultiLayerNetwork) vgg.architecture()
        .trainable(vgg, new Adam(1e-3), 0.0, vgg.build().params()).dl4j();
    assertInstanceOf(TrainingReluLayer.class, chain.getLayer(2));
    MultiLayerConfiguration chainJson = MultiLayerConfiguration.fromJson(chain.getLayerWiseConfigurations().toJson());
    assertInstanceOf(TrainingRelu.class, chainJson.getConf(2).getLayer());

    NetworkSpec resnet = new NetworkSpec(Architecture.fromId("resnet20"), 3, 32, 32, 10, 7);
    ComputationGraph graph = (ComputationGraph) resnet.architecture()
        .trainable(resnet, new Adam(1e-3), 0.0, resnet.build().params()).dl4j();
    // a ResNet's ReLUs are folded into the BatchNorm or the add before them
    assertInstanceOf(TrainingBatchNormReluLayer.class, graph.getLayer("bn1"));
    assertInstanceOf(ResidualAddReluVertex.class, graph.getVertex("layer1.0.add"));
    assertNull(graph.getVertex("layer1.0.relu2"));
    ComputationGraphConfiguration graphJson = ComputationGraphConfiguration.fromJson(graph.getConfiguration().toJson());
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32);
    ComputationGraph rebuilt = new ComputationGraph(graphJson);
    rebuilt.init(graph.params().dup(), false);
    assertInstanceOf(TrainingBatchNormReluLayer.class, rebuilt.getLayer("layer1.0.bn1"));
    assertInstanceOf(ResidualAddReluVertex.class, rebuilt.getVertex("layer3.2.add"));
    // and the activations' layout (channel blocks in this JVM, which has oneDNN and 16-lane vectors)
    assertEquals(ActivationLayout.CHANNEL_BLOCKS,
        ((TrainingConvolution) rebuilt.getLayer("layer2.0.conv1").conf().getLayer()).getInputLayout());
    assertEquals(ActivationLayout.CHANNEL_BLOCKS,
        ((TrainingConvolution) rebuilt.getLayer("conv1").conf().getLayer()).getOutputLayout());
    assertEquals(ActivationLayout.PLANAR,
        ((TrainingConvolution) rebuilt.getLayer("conv1").conf().getLayer()).getInputLayout());
    assertEquals(ActivationLayout.CHANNEL_BLOCKS,
        ((LaidOutBatchNorm) rebuilt.getLayer("layer3.2.bn2").conf().getLayer()).getLayout());
    assertEquals(ActivationLayout.CHANNEL_BLOCKS,
        ((ShortcutLayer) rebuilt.getLayer("layer2.0.shortcut").conf().getLayer()).getLayout());
    assertInstanceOf(ChannelBlockAveragePoolingLayer.class, rebuilt.getLayer("pool"));
    assertEquals(graph.outputSingle(x), rebuilt.outputSingle(x));

    // saved networks keep DL4J's layer
    assertNotSame(TrainingRelu.class, ((org.deeplearning4j.nn.conf.graph.LayerVertex) resnet.architecture()
        .graphConfiguration(resnet, new Adam(1e-3), 0.0).getVertices().get("relu")).getLayerConf().getLayer().getClass());
  }
}
