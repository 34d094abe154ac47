package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.VectorApi;

/**
 * The elementwise passes of Relief's training layers over float c-order batches: ReLU's gate
 * ({@link TrainingReluLayer}, and the backward pass of {@link ResidualAddReluVertex}) and the
 * residual add with its ReLU. {@link ScalarElementwisePasses} is plain Java; {@link
 * VectorElementwisePasses} runs on the JDK's Vector API. Both give the same bits.
 */
interface ElementwisePasses {

  /**
   * {@code out = values ⊙ [z > 0]} elementwise ({@link ReluGate}: −0, +0 close the gate), with
   * {@code values = z} when null (ReLU itself). {@code out} is a fresh float c-order array of z's shape.
   */
  void gate(INDArray z, INDArray values, INDArray out);

  /** {@code out = max(0, a + b)} elementwise; {@code out} is a fresh float c-order array of their shape. */
  void addAndRectify(INDArray a, INDArray b, INDArray out);

  /** The Vector API passes where the JVM has the module ({@link VectorApi}), else the plain-Java ones. */
  static ElementwisePasses fastest() {
    return Choice.FASTEST;
  }

  /** Made once per JVM. */
  final class Choice {
    static final ElementwisePasses FASTEST = VectorApi
        .load(ElementwisePasses.class, ElementwisePasses.class.getPackageName() + ".VectorElementwisePasses")
        .orElseGet(ScalarElementwisePasses::new);

    private Choice() {}
  }
}
