package org.relief.model.net;

import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * What the requested layers of a network saw and produced on one batch. Its arrays live in this
 * thread's {@link PassWorkspace}, which stays open (no other workspace-free DL4J call can run on
 * the thread) until {@link #close()}; closing makes the arrays invalid, so copy what you keep.
 */
public final class ForwardPass implements AutoCloseable {
  private final Map<String, LayerIO> layers;
  private final MemoryWorkspace workspace;

  private ForwardPass(Map<String, LayerIO> layers, MemoryWorkspace workspace) {
    this.layers = Map.copyOf(layers);
    this.workspace = workspace;
  }

  /** A pass that produced nothing (no layer was requested). */
  static ForwardPass empty() {
    return new ForwardPass(Map.of(), null);
  }

  /**
   * Runs {@code pass} with this thread's {@link PassWorkspace} open, so that everything it
   * allocates lives there until the returned pass is closed; if it throws, the workspace closes.
   */
  static ForwardPass run(Supplier<Map<String, LayerIO>> pass) {
    MemoryWorkspace workspace = PassWorkspace.open();
    try {
      return new ForwardPass(pass.get(), workspace);
    } catch (RuntimeException | Error e) {
      workspace.close();
      throw e;
    }
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
