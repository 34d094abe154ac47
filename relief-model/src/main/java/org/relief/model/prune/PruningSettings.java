package org.relief.model.prune;

import java.io.Serializable;
import org.relief.model.ReliefInputException;

/**
 * The knobs of one pruning step: the fraction of importance each unit keeps in convolutions
 * and in dense layers (DESIGN.md "Selection") and the convolution score variant.
 *
 * @param alphaConv alpha for convolution filters, in (0, 1]
 * @param alphaFc alpha for dense neurons, in (0, 1]
 * @param convScore convolution score variant
 */
public record PruningSettings(double alphaConv, double alphaFc, ConvScore convScore) implements Serializable {
  public PruningSettings {
    checkAlpha("alpha-conv", alphaConv);
    checkAlpha("alpha-fc", alphaFc);
    if (convScore == null) {
      throw new ReliefInputException("conv-score is required");
    }
  }

  /** Refuses an alpha outside (0, 1] (NaN included), naming the key and the value. */
  public static void checkAlpha(String key, double alpha) {
    if (!(alpha > 0.0 && alpha <= 1.0)) {
      throw new ReliefInputException(key + " must be in (0, 1], got " + alpha);
    }
  }
}
