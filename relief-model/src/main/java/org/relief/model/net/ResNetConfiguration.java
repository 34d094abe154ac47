package org.relief.model.net;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
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
   * @param form {@link NetworkForm#SAVED}: DL4J's layers; otherwise the stem convolution as
   *     {@link InputConvolution}, the others as {@link TrainingConvolution}, each BatchNorm and
   *     the ReLU after it as one {@link TrainingBatchNormRelu}, each block's last BatchNorm a
   *     {@link LaidOutBatchNorm}, each block's add and the ReLU after it as one {@link
   *     ResidualAddRelu} (same parameters, fewer vertices), and for {@link NetworkForm#TRAINING}
   *     its activations from the stem's output to the pooling in oneDNN's channel blocks where
   *     every width allows ({@link #trainingLayout})
   */
  static ComputationGraphConfiguration of(NetworkSpec spec, int[] blocks, int[] widths, IUpdater updater, double l2,
      NetworkForm form) {
    ComputationGraphConfiguration saved = build(spec, blocks, widths, updater, l2, null, ActivationLayout.PLANAR);
    if (form == NetworkForm.SAVED) {
      return saved;
    }
    ActivationLayout layout = form == NetworkForm.TRAINING ? trainingLayout(widths) : ActivationLayout.PLANAR;
    // DL4J lays out the flat parameters in topological order, which it derives from hash sets of
    // vertex indices: in a graph with fewer vertices a block's first convolution and its shortcut
    // can swap places, and parameters passed between the two forms as flat vectors would land in
    // the wrong layers. Which of the two the training form adds first is chosen block by block
    // until its parameter order is the saved form's (each choice moves only later blocks).
    List<String> wanted = parameterOrder(saved);
    List<String> prefixes = blockPrefixes(blocks);
    boolean[] shortcutFirst = new boolean[prefixes.size()];
    for (int attempt = 0; attempt <= shortcutFirst.length; attempt++) {
      ComputationGraphConfiguration folded = build(spec, blocks, widths, updater, l2, shortcutFirst, layout);
      List<String> got = parameterOrder(folded);
      int k = 0;
      while (k < got.size() && got.get(k).equals(wanted.get(k))) {
        k++;
      }
      if (k == got.size() && got.size() == wanted.size()) {
        return folded;
      }
      String name = got.get(k);
      int block = prefixes.indexOf(name.substring(0, name.lastIndexOf('.') + 1));
      if (block < 0) {
        break;
      }
      shortcutFirst[block] = !shortcutFirst[block];
    }
    throw new IllegalStateException("the training form of " + spec.architecture().id()
        + " cannot take the saved form's parameter order");
  }

  /**
   * @param shortcutFirst null: the saved form, vertices added as the reference's modules are
   *     listed; else the training form, each block's first convolution and shortcut added one
   *     right after the other, the shortcut first where set
   * @param layout how the training form's activations lie from the stem's output to the pooling
   */
  private static ComputationGraphConfiguration build(NetworkSpec spec, int[] blocks, int[] widths, IUpdater updater,
      double l2, boolean[] shortcutFirst, ActivationLayout layout) {
    boolean training = shortcutFirst != null;
    ComputationGraphConfiguration.GraphBuilder g = Architecture.trainingDefaults(spec, updater, l2)
        .convolutionMode(ConvolutionMode.Truncate)
        .graphBuilder()
        .addInputs(INPUT)
        .setInputTypes(InputType.convolutional(spec.height(), spec.width(), spec.channels()));
    ConvolutionLayer stem = conv(spec.channels(), widths[0], 1);
    g.addLayer("conv1", training ? InputConvolution.of(stem).laidOut(ActivationLayout.PLANAR, layout) : stem, INPUT);
    String x = batchNormRelu(g, "bn1", "relu", "conv1", widths[0], training, layout);
    int in = widths[0];
    int index = 0;
    for (int stage = 0; stage < blocks.length; stage++) {
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        x = block(g, "layer" + (stage + 1) + "." + b + ".", x, in, widths[stage], stride, training,
            training && shortcutFirst[index], layout);
        in = widths[stage];
        index++;
      }
    }
    g.addLayer("pool", layout == ActivationLayout.CHANNEL_BLOCKS ? new ChannelBlockAveragePooling()
        : new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
    g.addLayer("linear", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(spec.classes())
        .activation(Activation.SOFTMAX).build(), "pool");
    return g.setOutputs("linear").build();
  }

  /**
   * @param shortcutFirst in the training form, the shortcut is added right before the first convolution, else right after
   * @param layout how the training form's activations lie
   */
  private static String block(ComputationGraphConfiguration.GraphBuilder g, String prefix, String x, int in, int planes,
      int stride, boolean training, boolean shortcutFirst, ActivationLayout layout) {
    boolean optionA = stride != 1 || in != planes;
    ShortcutLayer shortcut = new ShortcutLayer(prefix + "shortcut", in, planes, optionA ? 2 : 1, optionA ? planes / 4 : 0);
    shortcut.setLayout(layout);
    ConvolutionLayer conv1 = trainingForm(conv(in, planes, stride), training, layout);
    if (training && shortcutFirst) {
      g.addLayer(prefix + "shortcut", shortcut, x);
    }
    g.addLayer(prefix + "conv1", conv1, x);
    if (training && !shortcutFirst) {
      g.addLayer(prefix + "shortcut", shortcut, x);
    }
    String h = batchNormRelu(g, prefix + "bn1", prefix + "relu1", prefix + "conv1", planes, training, layout);
    g.addLayer(prefix + "conv2", trainingForm(conv(planes, planes, 1), training, layout), h);
    g.addLayer(prefix + "bn2", training ? LaidOutBatchNorm.of(batchNorm(planes), layout) : batchNorm(planes),
        prefix + "conv2");
    if (training) {
      g.addVertex(prefix + "add", new ResidualAddRelu(), prefix + "bn2", prefix + "shortcut");
      return prefix + "add";
    }
    g.addLayer(prefix + "shortcut", shortcut, x);
    g.addVertex(prefix + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), prefix + "bn2", prefix + "shortcut");
    g.addLayer(prefix + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(), prefix + "add");
    return prefix + "relu2";
  }

  /** BatchNorm then ReLU; one layer in the training form. Returns the vertex whose output is the ReLU's. */
  private static String batchNormRelu(ComputationGraphConfiguration.GraphBuilder g, String bn, String relu, String x,
      int channels, boolean training, ActivationLayout layout) {
    if (training) {
      g.addLayer(bn, TrainingBatchNormRelu.of(batchNorm(channels), layout), x);
      return bn;
    }
    g.addLayer(bn, batchNorm(channels), x);
    g.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
    return relu;
  }

  private static List<String> blockPrefixes(int[] blocks) {
    List<String> prefixes = new ArrayList<>();
    for (int stage = 0; stage < blocks.length; stage++) {
      for (int b = 0; b < blocks[stage]; b++) {
        prefixes.add("layer" + (stage + 1) + "." + b + ".");
      }
    }
    return prefixes;
  }

  /** The layers with parameters, in the order DL4J lays out their parameters (its topological order). */
  private static List<String> parameterOrder(ComputationGraphConfiguration conf) {
    GraphIndices indices = new ComputationGraph(conf.clone()).calculateIndices();
    List<String> names = new ArrayList<>();
    for (int v : indices.getTopologicalSortOrder()) {
      String name = indices.getIdxToName().get(v);
      if (conf.getVertices().get(name) instanceof LayerVertex lv
          && lv.getLayerConf().getLayer().initializer().numParams(lv.getLayerConf()) > 0) {
        names.add(name);
      }
    }
    return names;
  }

  private static ConvolutionLayer trainingForm(ConvolutionLayer conv, boolean training, ActivationLayout layout) {
    return training ? TrainingConvolution.of(conv).laidOut(layout, layout) : conv;
  }

  /**
   * {@link ActivationLayout#CHANNEL_BLOCKS} where every width allows it ({@link
   * ActivationLayout#forTraining}): one layout from the stem's output to the pooling, since a
   * shortcut reads and writes one.
   */
  static ActivationLayout trainingLayout(int[] widths) {
    for (int w : widths) {
      if (ActivationLayout.forTraining(w) != ActivationLayout.CHANNEL_BLOCKS) {
        return ActivationLayout.PLANAR;
      }
    }
    return ActivationLayout.CHANNEL_BLOCKS;
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
