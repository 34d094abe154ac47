package org.relief.model.net;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The flat parameter vector of a DL4J network (either kind), read and written through a
 * {@link ParamLayout}: what {@link SequentialNetwork} and {@link GraphNetwork} share.
 */
final class Dl4jParameters {
  private final Model model;
  private final ParamLayout layout;

  Dl4jParameters(Model model, ParamLayout layout) {
    this.model = model;
    this.layout = layout;
  }

  float[] params() {
    INDArray flat = flat(model);
    if (flat.dataType() != DataType.FLOAT) { // a float64 network (NetworkSpec#float64) holds float32 values
      return flat.toFloatVector();
    }
    float[] out = new float[Math.toIntExact(layout.numParams())];
    buffer(flat).get(out);
    return out;
  }

  void setParams(float[] params) {
    if (params.length != layout.numParams()) {
      throw new IllegalArgumentException("expected " + layout.numParams() + " parameters, got " + params.length);
    }
    INDArray flat = flat(model);
    if (flat.dataType() != DataType.FLOAT) {
      flat.assign(Nd4j.createFromArray(params).castTo(flat.dataType()));
      return;
    }
    buffer(flat).put(params);
  }

  float[] weights(String layer) {
    ParamLayout.Segments s = layout.of(layer);
    return segment(s.weightOffset(), s.weightCount()).toFloatVector();
  }

  float[] biases(String layer) {
    ParamLayout.Segments s = layout.of(layer);
    return s.biasCount() == 0 ? new float[0] : segment(s.biasOffset(), s.biasCount()).toFloatVector();
  }

  void setLayer(String layer, float[] weights, float[] biases) {
    ParamLayout.Segments s = layout.of(layer);
    if (weights.length != s.weightCount() || biases.length != s.biasCount()) {
      throw new IllegalArgumentException("layer " + layer + " has " + s.weightCount() + " weights and "
          + s.biasCount() + " biases, got " + weights.length + " and " + biases.length);
    }
    INDArray w = segment(s.weightOffset(), s.weightCount());
    w.assign(Nd4j.createFromArray(weights).castTo(w.dataType()));
    if (biases.length > 0) {
      INDArray b = segment(s.biasOffset(), s.biasCount());
      b.assign(Nd4j.createFromArray(biases).castTo(b.dataType()));
    }
  }

  /**
   * The reference's initialisation (models.py): weights Kaiming-normal, N(0, 2/fan-in), as
   * PyTorch's {@code kaiming_normal_} (DL4J's {@code WeightInit.RELU} means the same); biases
   * PyTorch's default, U(−1/√fan-in, 1/√fan-in). Drawn here from a {@link Random} seeded by the
   * spec and the layer: DL4J's own initialisation does not follow the configuration's seed
   * reproducibly (two builds in one JVM differed), and a seed must fix the initialisation.
   */
  void initialise(NetworkSpec spec, NetworkTopology topology) {
    for (PrunableLayer layer : topology.layers()) {
      Random random = new Random(spec.seed() * 1_000_003L + 31L * layer.networkIndex() + 17);
      double std = Math.sqrt(2.0 / layer.fanIn());
      float[] w = new float[Math.toIntExact(layer.weightCount())];
      for (int k = 0; k < w.length; k++) {
        w[k] = (float) (random.nextGaussian() * std);
      }
      double bound = 1.0 / Math.sqrt(layer.fanIn());
      float[] b = new float[layer.biasCount()];
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) ((random.nextDouble() * 2 - 1) * bound);
      }
      setLayer(layer.name(), w, b);
    }
  }

  private FloatBuffer buffer(INDArray p) {
    if (p.offset() != 0 || p.elementWiseStride() != 1 || p.dataType() != DataType.FLOAT) {
      throw new IllegalStateException("DL4J's flat parameters are not one contiguous float buffer");
    }
    FloatBuffer buffer = p.data().asNioFloat();
    buffer.limit(Math.toIntExact(p.length()));
    return buffer;
  }

  private INDArray segment(long offset, long count) {
    return flat(model).get(NDArrayIndex.interval(offset, offset + count));
  }

  private static INDArray flat(Model model) {
    INDArray p = model.params();
    return p.rank() == 1 ? p : p.reshape(p.length());
  }

  /**
   * Finds each prunable layer's weight, bias, BatchNorm and shortcut-gate segments in the flat
   * parameter vector by writing 0, 1, 2, … into a layer's parameters (all others −1) and reading
   * them back, through the flat vector (where the layer starts) and through DL4J's own views
   * (where each tensor sits in it, and that the weights come out in canonical order). The
   * parameters are restored afterwards.
   *
   * @param layers the network's layers, best in parameter order (then each search is short)
   */
  static ParamLayout probe(Model model, List<org.deeplearning4j.nn.api.Layer> layers, NetworkTopology topology) {
    INDArray flatView = flat(model);
    FloatBuffer flat = new Dl4jParameters(model, null).buffer(flatView);
    float[] saved = new float[flat.limit()];
    flat.get(0, saved);
    float[] minusOnes = new float[saved.length];
    java.util.Arrays.fill(minusOnes, -1f);
    flat.put(0, minusOnes);

    Map<String, ParamLayout.Segments> segments = new LinkedHashMap<>();
    Map<String, long[]> batchNorms = new LinkedHashMap<>();
    Map<String, Long> gates = new LinkedHashMap<>();
    int searchFrom = 0;
    for (org.deeplearning4j.nn.api.Layer layer : layers) {
      long n = layer.numParams();
      if (n == 0) {
        continue;
      }
      String name = layer.conf().getLayer().getLayerName();
      if (n >= (1 << 24)) {
        throw new IllegalStateException("layer " + name + " has " + n + " parameters; probing needs < 2^24");
      }
      INDArray view = layer.params();
      view.assign(Nd4j.arange(n).castTo(DataType.FLOAT).reshape(view.shape()));
      int base = find(flat, searchFrom);
      if (base < 0) {
        base = find(flat, 0);
      }
      if (base < 0) {
        throw new IllegalStateException("parameters of layer " + name + " are not part of the flat parameters");
      }
      searchFrom = base + (int) n;
      if (topology.hasLayer(name)) {
        PrunableLayer p = topology.layer(name);
        INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray canonical = p.isConv() ? w : w.transpose();
        float[] weights = Nd4j.toFlattened('c', canonical).toFloatVector();
        checkConsecutive(name, "weights", weights);
        long biasOffset = -1;
        if (p.bias()) {
          float[] biases = layer.getParam(DefaultParamInitializer.BIAS_KEY).toFloatVector();
          checkConsecutive(name, "biases", biases);
          biasOffset = base + (long) biases[0];
        }
        segments.put(name, new ParamLayout.Segments(base + (long) weights[0], weights.length, biasOffset,
            p.biasCount(), null, -1, p.masked()));
      } else if (layer.conf().getLayer() instanceof BatchNormalization) {
        batchNorms.put(name, batchNormOffsets(layer, name, base));
      } else if (layer.conf().getLayer() instanceof ShortcutLayer) {
        float[] gate = layer.getParam(ShortcutGateInitializer.GATE).toFloatVector();
        checkConsecutive(name, "gate", gate);
        gates.put(name, base + (long) gate[0]);
      }
      view.assign(-1);
    }
    flat.put(0, saved);
    for (PrunableLayer p : topology.layers()) {
      ParamLayout.Segments s = segments.get(p.name());
      if (s == null) {
        throw new IllegalStateException("no parameters found for prunable layer " + p.name());
      }
      long[] bn = p.hasBatchNorm() ? batchNorms.get(p.batchNorm()) : null;
      long gate = p.hasResidual() ? gates.get(p.residual().shortcutLayer()) : -1;
      segments.put(p.name(), new ParamLayout.Segments(s.weightOffset(), s.weightCount(), s.biasOffset(), s.biasCount(),
          bn, gate, p.masked()));
    }
    return new ParamLayout(saved.length, segments);
  }

  /** Index of the first 0 at or after {@code from} (the start of the probed layer), or −1. */
  private static int find(FloatBuffer flat, int from) {
    for (int k = from; k < flat.limit(); k++) {
      if (flat.get(k) == 0f) {
        return k;
      }
    }
    return -1;
  }

  /** Where a BatchNorm layer keeps gamma, beta, mean and variance, probed like weights. */
  private static long[] batchNormOffsets(org.deeplearning4j.nn.api.Layer layer, String name, long base) {
    long[] offsets = new long[4];
    String[] keys = {BatchNormalizationParamInitializer.GAMMA, BatchNormalizationParamInitializer.BETA,
        BatchNormalizationParamInitializer.GLOBAL_MEAN, BatchNormalizationParamInitializer.GLOBAL_VAR};
    for (int k = 0; k < keys.length; k++) {
      INDArray p = layer.getParam(keys[k]);
      if (p == null) {
        throw new IllegalStateException("BatchNorm " + name + " has no parameter " + keys[k] + " (use useLogStd(false))");
      }
      float[] probe = p.toFloatVector();
      checkConsecutive(name, keys[k], probe);
      offsets[k] = base + (long) probe[0];
    }
    return offsets;
  }

  private static void checkConsecutive(String layer, String what, float[] probe) {
    for (int k = 1; k < probe.length; k++) {
      if (probe[k] != probe[0] + k) {
        throw new IllegalStateException("DL4J stores the " + what + " of layer " + layer
            + " in an order Relief does not expect (entry " + k + ")");
      }
    }
  }
}
