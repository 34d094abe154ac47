package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
 * A residual join with ReLU folded in ({@link ResidualAddRelu}) trains exactly as DL4J's add
 * vertex followed by a ReLU layer, bit for bit, also where its gradient is shared by both inputs
 * and DL4J later adds another gradient into the block input's.
 */
class ResidualAddReluTest {

  /**
   * stem → ReLU → conv → BatchNorm → add(BatchNorm, shortcut) → ReLU → pooling → output, the
   * shortcut a {@link ShortcutLayer} (feeds only the add) or the stem's ReLU itself (which also
   * feeds the convolution).
   */
  private static ComputationGraph block(boolean folded, boolean shortcutLayer, DataType type, INDArray params) {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(4).updater(new Sgd(0.1)).dataType(type)
        .graphBuilder()
        .addInputs("in")
        .setInputTypes(InputType.convolutional(6, 5, 2))
        .addLayer("stem", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(4).activation(Activation.IDENTITY).build(), "in")
        .addLayer("relu0", new TrainingRelu(), "stem")
        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nIn(4).nOut(4).hasBias(false)
            .activation(Activation.IDENTITY).build(), "relu0")
        .addLayer("bn", new BatchNormalization.Builder().nOut(4).useLogStd(false).build(), "conv");
    String shortcut = "relu0";
    if (shortcutLayer) {
      g.addLayer("shortcut", new ShortcutLayer("shortcut", 4, 4, 1, 0), "relu0");
      shortcut = "shortcut";
    }
    String out;
    if (folded) {
      g.addVertex("add", new ResidualAddRelu(), "bn", shortcut);
      out = "add";
    } else {
      g.addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn", shortcut);
      g.addLayer("relu", new TrainingRelu(), "add");
      out = "relu";
    }
    ComputationGraphConfiguration conf = g
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out)
        .addLayer("linear", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY)
            .build(), "pool")
        .setOutputs("linear")
        .build();
    ComputationGraph graph = new ComputationGraph(conf);
    if (params == null) {
      graph.init();
    } else {
      graph.init(params.dup(), false);
    }
    return graph;
  }

  private static INDArray gradient(ComputationGraph g, INDArray features, INDArray labels) {
    g.setInputs(features);
    g.setLabels(labels);
    g.computeGradientAndScore();
    return g.gradient().gradient().dup();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void trainsBitForBitAsAddThenRelu(boolean shortcutLayer) {
    ComputationGraph separate = block(false, shortcutLayer, DataType.FLOAT, null);
    ComputationGraph folded = block(true, shortcutLayer, DataType.FLOAT, separate.params());
    assertInstanceOf(ResidualAddReluVertex.class, folded.getVertex("add"));
    Nd4j.getRandom().setSeed(7);
    INDArray features = Nd4j.rand(DataType.FLOAT, 12, 2, 6, 5).muli(2).subi(1);
    INDArray labels = Nd4j.rand(DataType.FLOAT, 12, 3);

    INDArray joined = folded.feedForward(features, true).get("add");
    assertEquals(separate.feedForward(features, true).get("relu"), joined);
    assertEquals(0.0, joined.minNumber().doubleValue(), "ReLU closed some units");

    assertArrayEquals(gradient(separate, features, labels).toFloatVector(),
        gradient(folded, features, labels).toFloatVector());
    for (int step = 0; step < 3; step++) {
      separate.fit(new DataSet(features, labels));
      folded.fit(new DataSet(features, labels));
    }
    assertArrayEquals(separate.params().toFloatVector(), folded.params().toFloatVector(), "parameters after three steps");
  }

  /** Double batches: ND4J's add, ReLU and gate instead of the float loops. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void doubleBatchesToo(boolean shortcutLayer) {
    ComputationGraph separate = block(false, shortcutLayer, DataType.DOUBLE, null);
    ComputationGraph folded = block(true, shortcutLayer, DataType.DOUBLE, separate.params());
    Nd4j.getRandom().setSeed(8);
    INDArray features = Nd4j.rand(DataType.DOUBLE, 12, 2, 6, 5).muli(2).subi(1);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 12, 3);
    assertEquals(0.0, gradient(separate, features, labels).sub(gradient(folded, features, labels)).amaxNumber()
        .doubleValue(), 1e-12);
  }
}
