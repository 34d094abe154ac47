package org.relief.model.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps pruned weights and biases at exactly zero through training (DESIGN.md "Retraining").
 * After the gradient is computed (before weight decay and the optimiser see it) the gradient
 * of every pruned parameter is zeroed, so optimiser state never builds up for it; after every
 * update the parameters themselves are multiplied by the mask, whatever the optimiser did.
 * Both act in place on DL4J's flat views, one multiply each (no allocation per iteration).
 */
public final class MaskEnforcer extends BaseTrainingListener implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final float[] flatMask;
  private transient INDArray mask;

  /** @param flatMask 1 = kept, 0 = pruned, in the network's flat parameter layout (not copied) */
  public MaskEnforcer(float[] flatMask) {
    this.flatMask = flatMask;
  }

  /** The mask as a flat array, made once per JVM (it also travels to Spark workers). */
  private INDArray mask() {
    if (mask == null) {
      mask = Nd4j.createFromArray(flatMask).reshape(1, flatMask.length);
    }
    return mask;
  }

  /** Multiplies a flat parameter (or gradient) array by the mask, in place. */
  public void apply(INDArray flat) {
    flat.muli(mask().reshape(flat.shape()));
  }

  /** A copy of {@code params} multiplied by {@code flatMask}. */
  public static float[] masked(float[] params, float[] flatMask) {
    float[] out = params.clone();
    for (int k = 0; k < out.length; k++) {
      out[k] *= flatMask[k];
    }
    return out;
  }

  /** True if the mask prunes nothing, so no enforcement is needed. */
  public static boolean isFull(float[] flatMask) {
    for (float v : flatMask) {
      if (v != 1f) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void onGradientCalculation(Model model) {
    apply(model.getGradientsViewArray());
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    apply(model.params());
  }

  @Override
  public String toString() {
    return "MaskEnforcer[" + flatMask.length + " parameters]";
  }
}
