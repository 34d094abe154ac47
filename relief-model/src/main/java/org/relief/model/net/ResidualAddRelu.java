package org.relief.model.net;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual block's output, ReLU(branch + shortcut), as one vertex in networks built to train
 * ({@link ResNetConfiguration}'s training form; {@link ResidualAddReluVertex}). DL4J's add
 * vertex followed by a ReLU layer makes five passes over the batch forward and seven backward
 * (the add copies the gradient once per input); this makes one each way. An {@link
 * ElementWiseVertex} that adds, so the topology reads it as a residual join; saved and exported
 * networks keep DL4J's add and ReLU.
 */
public class ResidualAddRelu extends ElementWiseVertex {
  private static final long serialVersionUID = 1L;

  /** For DL4J's JSON (Spark workers rebuild the network from it). */
  public ResidualAddRelu() {
    super(Op.Add);
  }

  @Override
  public ResidualAddRelu clone() {
    return new ResidualAddRelu();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResidualAddRelu;
  }

  @Override
  public int hashCode() {
    return ResidualAddRelu.class.hashCode();
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
      INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
    return new ResidualAddReluVertex(graph, name, idx, networkDatatype);
  }
}
