package org.relief.model.net;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the requested layers of a network saw and produced on one batch, holding the off-heap
 * activations of the pass until {@link #close()}. Closing frees them at once: left to the
 * garbage collector, the activations of ResNet or VGG passes over a pruning set (gigabytes per
 * thousand images, while their Java handles weigh nothing) piled up faster than the collector
 * ran and took a 24 GiB machine to swap.
 */
public final class ForwardPass implements AutoCloseable {
  private final Map<String, LayerIO> layers;
  private final List<INDArray> produced;
  private final INDArray batch;

  /**
   * @param produced every array the pass allocated (activations of all vertices, computed
   *     logits); views, the batch itself and repeated entries are skipped when freeing
   */
  public ForwardPass(Map<String, LayerIO> layers, List<INDArray> produced, INDArray batch) {
    this.layers = Map.copyOf(layers);
    this.produced = List.copyOf(produced);
    this.batch = batch;
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
    Set<Object> freed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (INDArray a : produced) {
      if (a == batch || a.isView() || a.wasClosed() || !a.closeable()) {
        continue;
      }
      DataBuffer buffer = a.data();
      if (buffer == batch.data() || !freed.add(a) || !freed.add(buffer)) {
        continue;
      }
      a.close();
    }
  }
}
