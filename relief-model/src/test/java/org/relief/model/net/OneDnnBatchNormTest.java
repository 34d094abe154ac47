package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * BatchNorm with batch moments from {@link ChannelMoments} trains as DL4J's oneDNN helper does:
 * same activations, gradients and running statistics, to float precision.
 */
class OneDnnBatchNormTest {

  /** BatchNorm, then (for maps) average pooling, then a linear MSE output: no argmax anywhere. */
  private static MultiLayerNetwork network(boolean maps, INDArray params) {
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(3).updater(new Sgd(0.1)).dataType(DataType.FLOAT)
        .list()
        .layer(new BatchNormalization.Builder().nOut(6).build());
    if (maps) {
      list.layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build());
    }
    MultiLayerConfiguration conf = list
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
        .setInputType(maps ? InputType.convolutional(5, 4, 6) : InputType.feedForward(6))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    if (params == null) {
      net.init();
    } else {
      net.init(params.dup(), false);
    }
    return net;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void trainsAsDl4jsOneDnnHelperDoes(boolean maps) {
    OneDnnHelpers.enable();
    MultiLayerNetwork dl4j = network(maps, null);
    MultiLayerNetwork relief = network(maps, dl4j.params());
    OneDnnBatchNorm.install(relief);
    assertEquals("MKLDNNBatchNormHelper", OneDnnHelpers.inUse(dl4j), "the default natives carry oneDNN");
    assertEquals("OneDnnBatchNorm", OneDnnHelpers.inUse(relief));

    Nd4j.getRandom().setSeed(5);
    INDArray features = maps ? Nd4j.rand(DataType.FLOAT, 16, 6, 5, 4).muli(3).addi(2)
        : Nd4j.rand(DataType.FLOAT, 16, 6).muli(3).addi(2);
    INDArray labels = Nd4j.rand(DataType.FLOAT, 16, 3);
    DataSet batch = new DataSet(features, labels);

    INDArray expectedOut = dl4j.output(features, true);
    INDArray out = relief.output(features, true);
    assertEquals(0.0, expectedOut.sub(out).amaxNumber().doubleValue(), 1e-5 * expectedOut.amaxNumber().doubleValue(),
        "training-mode activations");

    dl4j.setInput(features);
    dl4j.setLabels(labels);
    dl4j.computeGradientAndScore();
    relief.setInput(features);
    relief.setLabels(labels);
    relief.computeGradientAndScore();
    INDArray expected = dl4j.gradient().gradient();
    INDArray got = relief.gradient().gradient();
    assertTrue(expected.amaxNumber().doubleValue() > 0);
    assertEquals(0.0, expected.sub(got).amaxNumber().doubleValue(), 1e-5 * expected.amaxNumber().doubleValue(),
        "gradients (gamma, beta, output layer)");

    INDArray before = dl4j.params().dup();
    for (int step = 0; step < 3; step++) {
      dl4j.fit(batch);
      relief.fit(batch);
    }
    // the flat parameters hold BatchNorm's running mean and variance, updated from the batch moments
    assertNotEquals(before, dl4j.params(), "training moved the parameters");
    assertEquals(0.0, dl4j.params().sub(relief.params()).amaxNumber().doubleValue(), 1e-5 * dl4j.params().amaxNumber().doubleValue(),
        "parameters and running statistics after three steps");
  }

  @Test
  void momentsAreMeanAndPopulationVarianceOfEachChannel() {
    INDArray x = Nd4j.createFromArray(new float[] {1, 2, 3, 4, 10, 10, 10, 10, 5, 6, 7, 8, -10, -10, 10, 10}).reshape(2, 2, 2, 2);
    INDArray mean = Nd4j.create(DataType.FLOAT, 2);
    INDArray variance = Nd4j.create(DataType.FLOAT, 2);
    ChannelMoments.of(x, mean, variance);
    assertEquals(4.5f, mean.getFloat(0), 1e-6); // 1..8
    assertEquals(5.25f, variance.getFloat(0), 1e-6);
    assertEquals(5f, mean.getFloat(1), 1e-6); // 10 ×4, −10 ×2, 10 ×2
    assertEquals(75f, variance.getFloat(1), 1e-5);
  }
}
