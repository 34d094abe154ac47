package org.relief.model.net;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How DL4J's layer configurations wire up the layer they instantiate, and what Relief's training
 * forms of DL4J's layers take from the layer they replace.
 */
final class LayerInstances {
  private LayerInstances() {}

  /** {@code layer} with its listeners, index, parameter views (initialised if asked) and configuration set. */
  static <T extends Layer> T wired(T layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int index, INDArray paramsView, boolean initializeParams, ParamInitializer initializer) {
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  /** A builder holding {@code conv}'s settings (kernel, stride, padding, widths, name, activation, bias), for Relief's training forms of it. */
  static ConvolutionLayer.Builder settingsOf(ConvolutionLayer conv) {
    ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(conv.getKernelSize(), conv.getStride(), conv.getPadding())
        .dilation(conv.getDilation())
        .nIn(conv.getNIn())
        .nOut(conv.getNOut())
        .name(conv.getLayerName())
        .activation(conv.getActivationFn())
        .hasBias(conv.hasBias());
    if (conv.getConvolutionMode() != null) {
      b.convolutionMode(conv.getConvolutionMode());
    }
    return b;
  }
}
