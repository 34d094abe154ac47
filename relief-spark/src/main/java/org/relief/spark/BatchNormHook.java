package org.relief.spark;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.relief.model.net.TrainingBatchNorm;

/**
 * Gives a Spark worker's copy of the network Relief's BatchNorm ({@link TrainingBatchNorm}), as
 * local training has it: DL4J rebuilds the network on each worker from its JSON with DL4J's own
 * helper. Installed before the worker's first update (a no-op afterwards, and for networks
 * without BatchNorm). A ResNet's training form needs none: its BatchNorm layers are Relief's own
 * ({@code TrainingBatchNormRelu}, {@code LaidOutBatchNorm}), which make their helper themselves.
 */
final class BatchNormHook implements TrainingHook {
  private static final long serialVersionUID = 1L;

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    TrainingBatchNorm.install(model);
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    TrainingBatchNorm.install(model);
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
