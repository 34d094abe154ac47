package org.relief.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link ResidualAddRelu} at work: out = ReLU(a + b) in one pass over the batch, and one gated
 * gradient ∂L/∂out ⊙ [out &gt; 0] handed to both inputs. DL4J's add vertex copies the gradient
 * for each input because DL4J adds a vertex's later gradients into its first one in place; an
 * input vertex that feeds only this vertex receives no other gradient, so such inputs (a block's
 * last BatchNorm and its shortcut layer, whose backward passes only read their gradient) share
 * one array. An input with other consumers gets a copy of its own.
 */
final class ResidualAddReluVertex extends BaseGraphVertex {
  /** The output of the last training forward pass: the gate of the backward pass. */
  private INDArray output;

  ResidualAddReluVertex(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
    super(graph, name, vertexIndex, null, null, dataType);
  }

  @Override
  public boolean hasLayer() {
    return false;
  }

  @Override
  public Layer getLayer() {
    return null;
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("vertex " + vertexName + ": forward pass without inputs");
    }
    if (inputs.length != 2 || !inputs[0].equalShapes(inputs[1])) {
      throw new IllegalArgumentException("vertex " + vertexName + " adds two arrays of one shape, got "
          + Arrays.toString(Arrays.stream(inputs).map(a -> Arrays.toString(a.shape())).toArray()));
    }
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, inputs[0].shape(), 'c');
    if (dataType == DataType.FLOAT && inputs[0].dataType() == DataType.FLOAT && inputs[1].dataType() == DataType.FLOAT) {
      ElementwisePasses.fastest().addAndRectify(inputs[0], inputs[1], out);
    } else {
      Transforms.relu(out.assign(inputs[0]).addi(inputs[1].castTo(dataType)), false);
    }
    output = training ? out : null;
    return out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward() || output == null) {
      throw new IllegalStateException("vertex " + vertexName + ": backward pass without a training forward pass");
    }
    INDArray gated = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), 'c');
    if (output.dataType() == DataType.FLOAT && epsilon.dataType() == DataType.FLOAT) {
      ElementwisePasses.fastest().gate(output, epsilon, gated);
    } else {
      gated.assign(epsilon.mul(output.gt(0).castTo(epsilon.dataType())));
    }
    INDArray[] perInput = new INDArray[inputVertices.length];
    for (int i = 0; i < perInput.length; i++) {
      boolean onlyConsumer = graph.getVertices()[inputVertices[i].getVertexIndex()].getNumOutputConnections() == 1;
      perInput[i] = onlyConsumer ? gated : mgr.dup(ArrayType.ACTIVATION_GRAD, gated);
    }
    return new Pair<>(null, perInput);
  }

  @Override
  public void clear() {
    super.clear();
    output = null;
  }

  @Override
  public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
    if (backpropGradientsViewArray != null) {
      throw new IllegalArgumentException("vertex " + vertexName + " has no parameters");
    }
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
      int minibatchSize) {
    if (maskArrays != null && Arrays.stream(maskArrays).anyMatch(m -> m != null)) {
      throw new UnsupportedOperationException("vertex " + vertexName + ": masks are not supported");
    }
    return new Pair<>(null, currentMaskState);
  }

  @Override
  public String toString() {
    return "ResidualAddReluVertex(id=" + vertexIndex + ",name=\"" + vertexName + "\")";
  }
}
