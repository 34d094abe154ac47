package org.relief.model.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.GraphIndices;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The DL4J graph of a ResNet in the reference's CIFAR form (models.py, after He et al. 2016,
 * option A): a 3×3 stem convolution, stages of basic blocks, global average pooling and one
 * linear layer.
 *
 * <p>Block: {@code out = ReLU(bn2(conv2(ReLU(bn1(conv1(x))))) + gate · shortcut(x))}, every
 * convolution 3×3 with padding 1 and no bias; the first block of every stage after the first
 * has stride 2 and doubles the channels, its shortcut {@code x[:, :, ::2, ::2]} zero-padded with
 * {@code planes/4} channels on each side ({@link ShortcutLayer}). Vertex names follow the
 * reference's parameter names ({@code conv1}, {@code bn1}, {@code layer2.0.conv1}, …,
 * {@code linear}), so fixtures and masks line up.
 */
final class ResNetConfiguration {
  static final String INPUT = "input";

  private ResNetConfiguration() {}

  /**
   * @param blocks basic blocks per stage
   * @param widths channels per stage; the stem has {@code widths[0]}
   * @param training the stem convolution as {@link InputConvolution}, the others as {@link
   *     TrainingConvolution}, each BatchNorm and the ReLU after it as one {@link
   *     TrainingBatchNormRelu}, each block's add and the ReLU after it as one {@link
   *     ResidualAddRelu} (a network to train, not to save: same parameters, fewer vertices)
   */
  static ComputationGraphConfiguration of(NetworkSpec spec, int[] blocks, int[] widths, IUpdater updater, double l2,
      boolean training) {
    ComputationGraphConfiguration.GraphBuilder g = Architecture.trainingDefaults(spec, updater, l2)
        .convolutionMode(ConvolutionMode.Truncate)
        .graphBuilder()
        .addInputs(INPUT)
        .setInputTypes(InputType.convolutional(spec.height(), spec.width(), spec.channels()));
    ConvolutionLayer stem = conv(spec.channels(), widths[0], 1);
    String x = convBnRelu(g, "conv1", "bn1", "relu", INPUT, training ? InputConvolution.of(stem) : stem, widths[0],
        training);
    int in = widths[0];
    for (int stage = 0; stage < blocks.length; stage++) {
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        x = block(g, "layer" + (stage + 1) + "." + b + ".", x, in, widths[stage], stride, training);
        in = widths[stage];
      }
    }
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
    g.addLayer("linear", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(spec.classes())
        .activation(Activation.SOFTMAX).build(), "pool");
    ComputationGraphConfiguration conf = g.setOutputs("linear").build();
    if (training) {
      keepTopologicalOrder(conf, of(spec, blocks, widths, updater, l2, false));
    }
    return conf;
  }

  /**
   * Gives the training form the saved form's topological order, less the ReLU vertices it folds
   * away. DL4J lays out the flat parameters in topological order, which it derives from hash
   * sets of vertex indices: with fewer vertices, a block's shortcut and first convolution swap
   * places, and parameters copied between the two forms would land in the wrong layers. DL4J
   * takes an order stored in the configuration as given (and keeps it through JSON).
   */
  private static void keepTopologicalOrder(ComputationGraphConfiguration folded, ComputationGraphConfiguration saved) {
    GraphIndices savedOrder = new ComputationGraph(saved).calculateIndices();
    Map<String, Integer> index = new HashMap<>(); // as DL4J numbers vertices: inputs, then vertices as added
    for (String input : folded.getNetworkInputs()) {
      index.put(input, index.size());
    }
    for (String vertex : folded.getVertices().keySet()) {
      index.put(vertex, index.size());
    }
    List<String> names = new ArrayList<>();
    for (int v : savedOrder.getTopologicalSortOrder()) {
      String name = savedOrder.getIdxToName().get(v);
      if (index.containsKey(name)) {
        names.add(name);
      }
    }
    if (names.size() != index.size()) {
      throw new IllegalStateException("the training form's vertices are not a subset of the saved form's");
    }
    folded.setTopologicalOrderStr(names);
    folded.setTopologicalOrder(names.stream().mapToInt(index::get).toArray());
  }

  private static String block(ComputationGraphConfiguration.GraphBuilder g, String prefix, String x, int in, int planes,
      int stride, boolean training) {
    String h = convBnRelu(g, prefix + "conv1", prefix + "bn1", prefix + "relu1", x,
        trainingForm(conv(in, planes, stride), training), planes, training);
    g.addLayer(prefix + "conv2", trainingForm(conv(planes, planes, 1), training), h);
    g.addLayer(prefix + "bn2", batchNorm(planes), prefix + "conv2");
    boolean optionA = stride != 1 || in != planes;
    g.addLayer(prefix + "shortcut", new ShortcutLayer(prefix + "shortcut", in, planes, optionA ? 2 : 1,
        optionA ? planes / 4 : 0), x);
    if (training) {
      g.addVertex(prefix + "add", new ResidualAddRelu(), prefix + "bn2", prefix + "shortcut");
      return prefix + "add";
    }
    g.addVertex(prefix + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), prefix + "bn2", prefix + "shortcut");
    g.addLayer(prefix + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), prefix + "add");
    return prefix + "relu2";
  }

  private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder g, String conv, String bn, String relu,
      String x, ConvolutionLayer layer, int out, boolean training) {
    g.addLayer(conv, layer, x);
    if (training) {
      g.addLayer(bn, TrainingBatchNormRelu.of(batchNorm(out)), conv);
      return bn;
    }
    g.addLayer(bn, batchNorm(out), conv);
    g.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
    return relu;
  }

  private static ConvolutionLayer trainingForm(ConvolutionLayer conv, boolean training) {
    return training ? TrainingConvolution.of(conv) : conv;
  }

  private static ConvolutionLayer conv(int in, int out, int stride) {
    return new ConvolutionLayer.Builder(3, 3).nIn(in).nOut(out).stride(stride, stride).padding(1, 1).hasBias(false)
        .activation(Activation.IDENTITY).build();
  }

  /** PyTorch's BatchNorm2d defaults: eps 1e-5, momentum 0.1 (DL4J decay 0.9). */
  private static BatchNormalization batchNorm(int channels) {
    return new BatchNormalization.Builder().nOut(channels).eps(1e-5).decay(0.9).useLogStd(false).build();
  }
}
