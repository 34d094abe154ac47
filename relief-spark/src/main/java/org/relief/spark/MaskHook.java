package org.relief.spark;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.relief.model.net.OneDnnHelpers;
import org.relief.model.train.MaskEnforcer;

/**
 * Holds pruned parameters at zero on Spark workers: after every update a worker makes, its
 * parameters are multiplied by the mask. (DL4J runs training hooks on the workers; the driver
 * masks again after every averaging.)
 */
final class MaskHook implements TrainingHook {
  private static final long serialVersionUID = 1L;

  private final MaskEnforcer mask;

  MaskHook(MaskEnforcer mask) {
    this.mask = mask;
  }

  /** Runs on the worker before DL4J builds its copy of the network, so the worker's layers get oneDNN helpers too. */
  private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    OneDnnHelpers.enable();
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {}

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    mask.apply(model.params());
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {}

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    mask.apply(model.params());
  }
}
