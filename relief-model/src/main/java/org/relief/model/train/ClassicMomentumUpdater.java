package org.relief.model.train;

import java.util.Collections;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;

/** The state and step of {@link ClassicMomentum}: turns a gradient into the update in place. */
final class ClassicMomentumUpdater implements GradientUpdater<ClassicMomentum> {
  static final String VELOCITY = "V";

  private final ClassicMomentum config;
  private INDArray velocity;

  ClassicMomentumUpdater(ClassicMomentum config) {
    this.config = config;
  }

  @Override
  public ClassicMomentum getConfig() {
    return config;
  }

  @Override
  public void setState(Map<String, INDArray> state, boolean initialize) {
    if (state == null || !state.containsKey(VELOCITY)) {
      throw new IllegalStateException("momentum state needs key " + VELOCITY + ", got " + (state == null ? null : state.keySet()));
    }
    velocity = state.get(VELOCITY);
    if (initialize) {
      velocity.assign(0);
    }
  }

  @Override
  public Map<String, INDArray> getState() {
    return Collections.singletonMap(VELOCITY, velocity);
  }

  @Override
  public void setStateViewArray(INDArray viewArray, long[] shape, char order, boolean initialize) {
    if (initialize) {
      viewArray.assign(0);
    }
    velocity = viewArray.reshape(order, shape);
  }

  /** {@code v ← μ·v + g}; the gradient array becomes {@code lr·v}, which DL4J subtracts from the parameters. */
  @Override
  public void applyUpdater(INDArray gradient, int iteration, int epoch) {
    double lr = config.getLearningRate(iteration, epoch);
    velocity.muli(config.getMomentum()).addi(gradient);
    gradient.assign(velocity).muli(lr);
  }
}
