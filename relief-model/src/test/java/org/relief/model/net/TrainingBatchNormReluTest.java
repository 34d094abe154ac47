package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ReLU folded into BatchNorm ({@link TrainingBatchNormRelu}) trains exactly as BatchNorm followed
 * by a ReLU layer: the same activations, gradients and parameters, bit for bit in float (same
 * arithmetic in the same order), and through DL4J's own BatchNorm for double batches.
 */
class TrainingBatchNormReluTest {

  /** Convolution, BatchNorm, ReLU (folded or a layer of its own), average pooling, linear MSE output. */
  private static MultiLayerNetwork network(boolean folded, DataType type, INDArray params) {
    BatchNormalization bn = new BatchNormalization.Builder().nOut(6).eps(1e-5).decay(0.9).useLogStd(false).build();
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(3).updater(new Sgd(0.1)).dataType(type)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(6).activation(Activation.IDENTITY).build())
        .layer(folded ? TrainingBatchNormRelu.of(bn) : bn);
    if (!folded) {
      list.layer(new TrainingRelu());
    }
    MultiLayerConfiguration conf = list
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(5, 4, 2))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    if (params == null) {
      net.init();
    } else {
      net.init(params.dup(), false);
    }
    if (!folded) {
      TrainingBatchNorm.install(net);
    }
    return net;
  }

  private static INDArray gradient(MultiLayerNetwork net, INDArray features, INDArray labels) {
    net.setInput(features);
    net.setLabels(labels);
    net.computeGradientAndScore();
    return net.gradient().gradient().dup();
  }

  @Test
  void trainsBitForBitAsBatchNormThenRelu() {
    OneDnnHelpers.enable();
    MultiLayerNetwork separate = network(false, DataType.FLOAT, null);
    MultiLayerNetwork folded = network(true, DataType.FLOAT, separate.params());
    assertTrue(OneDnnHelpers.inUse(separate).contains("TrainingBatchNorm"), "both sides run Relief's BatchNorm");
    assertInstanceOf(TrainingBatchNormReluLayer.class, folded.getLayer(1));
    assertInstanceOf(TrainingBatchNorm.class,
        ((org.deeplearning4j.nn.layers.normalization.BatchNormalization) folded.getLayer(1)).getHelper(),
        "ReLU folded into Relief's BatchNorm, not applied around DL4J's");

    Nd4j.getRandom().setSeed(5);
    INDArray features = Nd4j.rand(DataType.FLOAT, 16, 2, 5, 4).muli(3).subi(1.5);
    INDArray labels = Nd4j.rand(DataType.FLOAT, 16, 3);

    INDArray out = folded.feedForwardToLayer(1, features, true).get(2);
    assertEquals(separate.feedForwardToLayer(2, features, true).get(3), out, "BatchNorm's output, rectified");
    assertEquals(0.0, out.minNumber().doubleValue(), "ReLU closed some units");
    assertTrue(out.maxNumber().doubleValue() > 0);

    assertArrayEquals(gradient(separate, features, labels).toFloatVector(),
        gradient(folded, features, labels).toFloatVector(), "gradients, running statistics' updates included");

    INDArray before = folded.params().dup();
    for (int step = 0; step < 3; step++) {
      separate.fit(new DataSet(features, labels));
      folded.fit(new DataSet(features, labels));
    }
    assertNotEquals(before, folded.params());
    assertArrayEquals(separate.params().toFloatVector(), folded.params().toFloatVector(), "parameters after three steps");
    assertEquals(separate.output(features, false), folded.output(features, false), "inference, with running statistics");
  }

  /** Relief's BatchNorm computes float batches only; for others ReLU and its gate go around DL4J's. */
  @Test
  void doubleBatchesTakeDl4jsBatchNormWithReluAroundIt() {
    OneDnnHelpers.enable();
    MultiLayerNetwork separate = network(false, DataType.DOUBLE, null);
    MultiLayerNetwork folded = network(true, DataType.DOUBLE, separate.params());
    Nd4j.getRandom().setSeed(6);
    INDArray features = Nd4j.rand(DataType.DOUBLE, 16, 2, 5, 4).muli(3).subi(1.5);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 16, 3);

    INDArray out = folded.feedForwardToLayer(1, features, true).get(2);
    assertEquals(0.0, out.minNumber().doubleValue());
    assertEquals(0.0, out.sub(separate.feedForwardToLayer(2, features, true).get(3)).amaxNumber().doubleValue(), 1e-12);
    assertEquals(0.0, gradient(separate, features, labels).sub(gradient(folded, features, labels)).amaxNumber()
        .doubleValue(), 1e-12);
  }
}
