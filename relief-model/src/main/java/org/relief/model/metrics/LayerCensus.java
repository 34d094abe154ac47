package org.relief.model.metrics;

import org.relief.model.net.PrunableLayer;
import org.relief.model.prune.LayerMask;

/**
 * What survives of one layer.
 *
 * @param layer layer name
 * @param keptWeights surviving weights
 * @param weights all weights
 * @param keptBiases surviving biases
 * @param biases all biases
 * @param aliveUnits neurons / filters with a surviving incoming connection (bias included)
 * @param units all neurons / filters
 * @param usedInputs inputs (units, or channels for a convolution) still read by a surviving weight
 * @param flops 2 · output positions · used inputs · k² · alive units (a multiply-add counts 2)
 */
public record LayerCensus(String layer, long keptWeights, long weights, long keptBiases, long biases,
    int aliveUnits, int units, int usedInputs, long flops) {

  public static LayerCensus of(PrunableLayer layer, LayerMask mask) {
    int used = mask.usedInputs();
    int alive = mask.aliveUnits();
    long flops = 2L * layer.outputPositions() * used * layer.weightsPerConnection() * alive;
    return new LayerCensus(layer.name(), mask.keptWeights(), layer.weightCount(), mask.keptBiases(), layer.biasCount(),
        alive, layer.outputs(), used, flops);
  }

  public long kept() {
    return keptWeights + keptBiases;
  }

  public long total() {
    return weights + biases;
  }
}
