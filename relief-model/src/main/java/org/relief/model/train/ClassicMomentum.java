package org.relief.model.train;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * SGD with classic (heavy-ball) momentum, as PyTorch's {@code SGD(momentum=μ)} without
 * dampening or Nesterov: {@code v ← μ·v + g; p ← p − lr·v}. DL4J only ships Nesterov momentum
 * ({@code Nesterovs}), which takes different steps; the paper's ResNet runs used this one.
 * Weight decay is DL4J's L2 term, added to {@code g} before this updater runs, as PyTorch does.
 *
 * <p>A bean (no-argument constructor, getters and setters) so that DL4J can write it into a
 * model's JSON configuration and read it back.
 */
public final class ClassicMomentum implements IUpdater {
  private static final long serialVersionUID = 1L;

  private double learningRate = 0.1;
  private ISchedule learningRateSchedule;
  private double momentum = 0.9;

  public ClassicMomentum() {}

  public ClassicMomentum(ISchedule learningRateSchedule, double momentum) {
    this.learningRateSchedule = learningRateSchedule;
    this.momentum = momentum;
  }

  public ClassicMomentum(double learningRate, double momentum) {
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  @Override
  public long stateSize(long numParams) {
    return numParams;
  }

  @Override
  public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
    ClassicMomentumUpdater u = new ClassicMomentumUpdater(this);
    u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
    return u;
  }

  @Override
  public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
    ClassicMomentumUpdater u = new ClassicMomentumUpdater(this);
    u.setState(state, initializeStateArrays);
    return u;
  }

  @Override
  public ClassicMomentum clone() {
    ClassicMomentum c = new ClassicMomentum(learningRate, momentum);
    c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
    return c;
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule schedule) {
    this.learningRate = lr;
    this.learningRateSchedule = schedule;
  }

  public double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(double learningRate) {
    this.learningRate = learningRate;
  }

  public ISchedule getLearningRateSchedule() {
    return learningRateSchedule;
  }

  public void setLearningRateSchedule(ISchedule learningRateSchedule) {
    this.learningRateSchedule = learningRateSchedule;
  }

  public double getMomentum() {
    return momentum;
  }

  public void setMomentum(double momentum) {
    this.momentum = momentum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassicMomentum m && m.learningRate == learningRate && m.momentum == momentum
        && Objects.equals(m.learningRateSchedule, learningRateSchedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(learningRate, momentum, learningRateSchedule);
  }

  @Override
  public String toString() {
    return "ClassicMomentum(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate)
        + ", momentum=" + momentum + ")";
  }
}
