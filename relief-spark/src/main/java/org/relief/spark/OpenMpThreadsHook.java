package org.relief.spark;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.relief.model.net.OpenMpThreads;

/**
 * Gives the Spark task thread that trains a worker's network the OpenMP thread count local
 * training uses ({@link OpenMpThreads}): without it, the one task of an executor that loaded
 * ND4J trained on at least 4 threads beside tasks on {@code spark.task.cpus}. Set before every
 * update (one native call), since DL4J may train a worker's minibatches in any task thread.
 */
final class OpenMpThreadsHook implements TrainingHook {
  private static final long serialVersionUID = 1L;

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    OpenMpThreads.pinCurrentThread();
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    OpenMpThreads.pinCurrentThread();
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
