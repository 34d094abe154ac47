package org.relief.model.net;

import java.util.Collection;
import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * DL4J configuration of a residual block's gated shortcut (see {@link Residual}): the input,
 * subsampled by {@code stride} and placed at channel {@code offset} of {@code channelsOut}
 * zero channels (the reference's option A; the identity when stride is 1 and the channel counts
 * match), times a per-channel gate.
 *
 * <p>The gate is the layer's one parameter, {@code [1, channelsOut]}, so it lives in the
 * network's flat parameter vector beside the weights: masks, checkpoints, rewinding and Spark's
 * parameter averaging carry it like any weight. It is not learned: its gradient is 0, its
 * updater a no-op and it has no weight decay, so it only changes when a mask closes a channel.
 */
public final class ShortcutLayer extends BaseLayer {
  private static final long serialVersionUID = 1L;

  private int channelsIn;
  private int channelsOut;
  private int stride;
  private int offset;
  /** How the input and output (and their gradients) lie in their buffers; NCHW but in networks built to train. */
  private ActivationLayout layout = ActivationLayout.PLANAR;

  /** For JSON deserialisation. */
  public ShortcutLayer() {}

  public ShortcutLayer(String name, int channelsIn, int channelsOut, int stride, int offset) {
    if (channelsIn <= 0 || offset < 0 || offset + channelsIn > channelsOut || stride < 1) {
      throw new IllegalArgumentException("shortcut " + name + ": " + channelsIn + " channels at offset " + offset
          + " of " + channelsOut + ", stride " + stride);
    }
    setLayerName(name);
    this.channelsIn = channelsIn;
    this.channelsOut = channelsOut;
    this.stride = stride;
    this.offset = offset;
  }

  public int getChannelsIn() {
    return channelsIn;
  }

  public void setChannelsIn(int channelsIn) {
    this.channelsIn = channelsIn;
  }

  public int getChannelsOut() {
    return channelsOut;
  }

  public void setChannelsOut(int channelsOut) {
    this.channelsOut = channelsOut;
  }

  public int getStride() {
    return stride;
  }

  public void setStride(int stride) {
    this.stride = stride;
  }

  public int getOffset() {
    return offset;
  }

  public void setOffset(int offset) {
    this.offset = offset;
  }

  public ActivationLayout getLayout() {
    return layout;
  }

  public void setLayout(ActivationLayout layout) {
    this.layout = layout;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    return LayerInstances.wired(new ShortcutLayerImpl(conf, networkDataType), conf, listeners, layerIndex,
        layerParamsView, initializeParams, initializer());
  }

  @Override
  public ParamInitializer initializer() {
    return ShortcutGateInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional in)) {
      throw new IllegalStateException("shortcut " + getLayerName() + " needs convolutional input, got " + inputType);
    }
    if (in.getChannels() != channelsIn) {
      throw new IllegalStateException("shortcut " + getLayerName() + " expects " + channelsIn + " channels, got "
          + in.getChannels());
    }
    return InputType.convolutional(outputSize(in.getHeight()), outputSize(in.getWidth()), channelsOut);
  }

  /** Rows (or columns) kept by {@code x[::stride]}. */
  long outputSize(long inputSize) {
    return (inputSize + stride - 1) / stride;
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    // sizes are explicit
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public IUpdater getUpdaterByParam(String paramName) {
    return new NoOp();
  }

  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    return List.of();
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    return new LayerMemoryReport.Builder(layerName, ShortcutLayer.class, inputType, getOutputType(-1, inputType))
        .standardMemory(channelsOut, 0)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }
}
