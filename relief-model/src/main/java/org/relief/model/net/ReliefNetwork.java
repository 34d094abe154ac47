package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A DL4J network seen the way NNrelief needs it: prunable layers, canonical weights, a flat
 * parameter vector and per-layer activations. Chains ({@link SequentialNetwork}) and graphs
 * with residual blocks ({@link GraphNetwork}) look the same from here.
 *
 * <p>Weights are returned in the canonical order of {@link PrunableLayer} (PyTorch's layout),
 * whatever DL4J's internal layout is. Every getter returns a copy; the caller may keep it.
 */
public interface ReliefNetwork {

  /** How to rebuild this network from scratch. */
  NetworkSpec spec();

  /** Prunable layers and their feeds. */
  NetworkTopology topology();

  /** Where each layer's weights and biases are in {@link #params()}. */
  ParamLayout layout();

  /** A copy of all parameters as one flat vector. */
  float[] params();

  /** Replaces all parameters; the array must have {@link ParamLayout#numParams()} entries. */
  void setParams(float[] params);

  /** A copy of the layer's weights, canonical order. */
  float[] weights(String layer);

  /** A copy of the layer's biases. */
  float[] biases(String layer);

  /** Replaces one layer's weights (canonical order) and biases. */
  void setLayer(String layer, float[] weights, float[] biases);

  /**
   * Runs the batch forward in inference mode and returns, for each requested layer, what it saw
   * and produced. Close the result when done with it: it frees the pass's activations.
   */
  ForwardPass forward(INDArray batch, Collection<String> layers);

  /** Plain inference: class probabilities {@code [N, classes]}. */
  INDArray output(INDArray batch);

  /** The DL4J network behind this view, for listeners and saving. Changes to it are visible here. */
  Model dl4j();

  /** One training step (forward, backward, update) on a minibatch. */
  void fit(DataSet batch);

  /** Counts an epoch done (DL4J's learning-rate schedules by epoch read this count). */
  void incrementEpochCount();
}
