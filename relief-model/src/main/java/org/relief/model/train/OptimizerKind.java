package org.relief.model.train;

import org.relief.model.config.Identified;

/** The optimisers of the paper's experiments. */
public enum OptimizerKind implements Identified {
  ADAM("adam"),
  /** SGD with classic (heavy-ball) momentum, as PyTorch's {@code SGD(momentum=…)}. */
  SGD("sgd");

  private final String id;

  OptimizerKind(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }
}
