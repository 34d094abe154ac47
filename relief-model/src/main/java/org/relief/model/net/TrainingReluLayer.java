package org.relief.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TrainingRelu} at work. DL4J's activation layer copies its input before applying ReLU
 * in place (forward), and copies it again, runs ND4J's ReLU backward into a third array and
 * moves that into the gradient workspace (backward): 4–7 passes over each activation where one
 * suffices. That was 13.8 % of a ResNet-20 training step (JFR, BENCHMARKS.md). Here: a = ReLU(z)
 * and ∂L/∂z = ∂L/∂a ⊙ [z &gt; 0] each in one pass over the native buffers, blocks in parallel.
 * Float batches only; anything else takes DL4J's path.
 */
final class TrainingReluLayer extends ActivationLayer {
  private static final long serialVersionUID = 1L;
  private static final ElementwisePasses PASSES = ElementwisePasses.fastest();

  TrainingReluLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    if (input.dataType() != DataType.FLOAT || input.rank() < 2) {
      return super.activate(training, mgr);
    }
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, input.shape(), 'c');
    PASSES.gate(input, null, out);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    if (input.dataType() != DataType.FLOAT || epsilon.dataType() != DataType.FLOAT || input.rank() < 2) {
      return super.backpropGradient(epsilon, mgr);
    }
    if (!Arrays.equals(input.shape(), epsilon.shape())) {
      throw new IllegalArgumentException("layer " + layerId() + ": gradient of shape " + Arrays.toString(epsilon.shape())
          + " for an input of shape " + Arrays.toString(input.shape()));
    }
    INDArray inputGrad = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
    PASSES.gate(input, epsilon, inputGrad);
    return new Pair<>(new DefaultGradient(), inputGrad);
  }
}
