package org.relief.model.net;

import java.util.Map;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * What the requested layers of a network saw and produced on one batch. Its arrays live in this
 * thread's {@link PassWorkspace}, which stays open (no other workspace-free DL4J call can run on
 * the thread) until {@link #close()}; closing makes the arrays invalid, so copy what you keep.
 */
public final class ForwardPass implements AutoCloseable {
  private final Map<String, LayerIO> layers;
  private final MemoryWorkspace workspace;

  /** @param workspace the open pass workspace holding the arrays, or null if the pass produced none */
  ForwardPass(Map<String, LayerIO> layers, MemoryWorkspace workspace) {
    this.layers = Map.copyOf(layers);
    this.workspace = workspace;
  }

  /** The layer's input and output on this batch; valid until {@link #close()}. */
  public LayerIO get(String layer) {
    LayerIO io = layers.get(layer);
    if (io == null) {
      throw new IllegalArgumentException("layer " + layer + " was not requested from this forward pass");
    }
    return io;
  }

  @Override
  public void close() {
    if (workspace != null) {
      workspace.close();
    }
  }
}
