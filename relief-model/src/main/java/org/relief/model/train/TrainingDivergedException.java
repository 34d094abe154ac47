package org.relief.model.train;

/** The loss became NaN or infinite: the run cannot continue (a learning rate too high, usually). */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
