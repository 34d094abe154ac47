package org.relief.model.net;

import java.io.Serializable;

/**
 * Prunable layer {@code producer} feeds prunable layer {@code consumer}, possibly through
 * pooling and a flatten. Input {@code i} of the consumer reads unit {@code i / unitsSpan} of
 * the producer: 1 for dense→dense and conv→conv, {@code H·W} when a conv map is flattened into
 * a dense layer (C, H, W order, as PyTorch and DL4J's NCHW flatten both do).
 *
 * <p>The backward walk (DESIGN.md "Backward pass") follows feeds from the consumer back.
 */
public record Feed(String producer, String consumer, int unitSpan) implements Serializable {
  public Feed {
    if (unitSpan <= 0) {
      throw new IllegalArgumentException("feed " + producer + "->" + consumer + ": span must be > 0, got " + unitSpan);
    }
  }
}
