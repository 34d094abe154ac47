package org.relief.model.net;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The one parameter of a {@link ShortcutLayer}: its per-channel gate, initially all open (1). */
final class ShortcutGateInitializer implements ParamInitializer {
  static final ShortcutGateInitializer INSTANCE = new ShortcutGateInitializer();
  static final String GATE = "gate";

  private ShortcutGateInitializer() {}

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return ((ShortcutLayer) layer).getChannelsOut();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return List.of(GATE);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of(); // not a weight: no weight noise, constraints or decay
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return List.of();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return false;
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    if (paramsView.length() != numParams(conf)) {
      throw new IllegalStateException("shortcut gate view has " + paramsView.length() + " entries, expected " + numParams(conf));
    }
    if (initializeParams) {
      paramsView.assign(1);
    }
    conf.addVariable(GATE);
    Map<String, INDArray> params = new LinkedHashMap<>();
    params.put(GATE, paramsView);
    return params;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(GATE, gradientView);
    return out;
  }
}
