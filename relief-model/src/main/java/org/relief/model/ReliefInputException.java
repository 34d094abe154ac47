package org.relief.model;

/**
 * Bad input from the user: a dataset file, a config key, a fixture, a value out of range.
 *
 * <p>The message is meant to be printed as one line on stderr, so it always names the file,
 * key or value at fault and, where there is one, what would fix it. The command line turns
 * this exception into exit code 2 without a stack trace.
 */
public class ReliefInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReliefInputException(String message) {
    super(message);
  }

  public ReliefInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
