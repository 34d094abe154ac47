package org.relief.model.train;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
public final class MaskEnforcer extends BaseTrainingListener {
  private final INDArray mask;

  /** @param flatMask 1 = kept, 0 = pruned, in the network's flat parameter layout */
  public MaskEnforcer(float[] flatMask) {
    this.mask = Nd4j.createFromArray(flatMask).reshape(1, flatMask.length);
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
    INDArray gradients = ((MultiLayerNetwork) model).getFlattenedGradients();
    gradients.muli(mask.reshape(gradients.shape()));
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    INDArray params = model.params();
    params.muli(mask.reshape(params.shape()));
  }

  @Override
  public String toString() {
    return "MaskEnforcer[" + Arrays.toString(mask.shape()) + "]";
  }
}
