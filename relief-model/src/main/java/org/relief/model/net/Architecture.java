package org.relief.model.net;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.relief.model.ReliefInputException;
import org.relief.model.config.Identified;

/**
 * The networks Relief knows, built as in the paper's reference code (adekhovich/NNrelief,
 * {@code models.py}): ReLU hidden layers, softmax output, Kaiming-normal weights (DL4J's
 * {@link WeightInit#RELU}) and PyTorch's default biases, uniform in ±1/√fan-in.
 *
 * <p>Layer names follow the reference's parameter names ({@code fc1}, {@code conv1}, …) so
 * that fixtures, masks and reports line up with it.
 */
public enum Architecture implements Identified {
  /** LeNet-300-100: 784-300-100-10, fully connected. */
  LENET_300_100("lenet300-100", true, 1, 28, 28) {
    @Override
    List<Layer> layers(NetworkSpec spec) {
      return List.of(
          dense("fc1", spec.inputVolume(), 300),
          dense("fc2", 300, 100),
          output("fc3", 100, spec.classes()));
    }
  },

  /** LeNet-5, Caffe variant: conv 20@5×5, max-pool 2, conv 50@5×5, max-pool 2, dense 500, output. */
  LENET5("lenet5", false, 1, 28, 28) {
    @Override
    List<Layer> layers(NetworkSpec spec) {
      return List.of(
          conv("conv1", spec.channels(), 20, 5, 1, 0),
          maxPool("pool1", 2),
          conv("conv2", 20, 50, 5, 1, 0),
          maxPool("pool2", 2),
          dense("fc1", 50 * 4 * 4, 500),
          output("fc2", 500, spec.classes()));
    }
  };

  private final String id;
  private final boolean flatInput;
  private final int channels;
  private final int height;
  private final int width;

  Architecture(String id, boolean flatInput, int channels, int height, int width) {
    this.id = id;
    this.flatInput = flatInput;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /** The DL4J layers in order, for the given input and class count. */
  abstract List<Layer> layers(NetworkSpec spec);

  /** The name used in config files and on the command line, e.g. {@code lenet300-100}. */
  @Override
  public String id() {
    return id;
  }

  /** True if the network takes each example as one flat vector rather than a C×H×W map. */
  public boolean flatInput() {
    return flatInput;
  }

  /** Looks an architecture up by its {@link #id()}; the error lists the known ones. */
  public static Architecture fromId(String id) {
    return Identified.parse(values(), id, "architecture");
  }

  /**
   * Refuses an input this architecture was not built for, naming both shapes (e.g. LeNet-5 on
   * 3-channel CIFAR images).
   */
  public void checkInput(int c, int h, int w, String source) {
    if (c != channels || h != height || w != width) {
      throw new ReliefInputException("architecture " + id + " takes " + channels + "x" + height + "x" + width
          + " inputs, but " + source + " has " + c + "x" + h + "x" + w + " examples");
    }
  }

  /**
   * The DL4J configuration with the given updater and L2 weight decay on weights and biases
   * (0 for none): {@code wd·p} is added to each gradient before the updater, as PyTorch's
   * {@code weight_decay} does.
   */
  public MultiLayerConfiguration configuration(NetworkSpec spec, IUpdater updater, double l2) {
    checkInput(spec.channels(), spec.height(), spec.width(), "the network spec");
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(spec.seed())
        .dataType(DataType.FLOAT)
        .weightInit(WeightInit.RELU)
        .updater(updater)
        .l2(l2)
        .l2Bias(l2)
        .list();
    for (Layer layer : layers(spec)) {
      list.layer(layer);
    }
    InputType input = flatInput
        ? InputType.feedForward(spec.inputVolume())
        : InputType.convolutional(spec.height(), spec.width(), spec.channels());
    return list.setInputType(input).build();
  }

  /** A freshly initialised network; same spec, same weights. */
  public ReliefNetwork build(NetworkSpec spec) {
    return SequentialNetwork.create(spec, configuration(spec, new NoOp(), 0.0));
  }

  private static Layer dense(String name, int in, int out) {
    return new DenseLayer.Builder().name(name).nIn(in).nOut(out).activation(Activation.RELU).build();
  }

  private static Layer output(String name, int in, int classes) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
        .name(name).nIn(in).nOut(classes).activation(Activation.SOFTMAX).build();
  }

  private static Layer conv(String name, int in, int out, int kernel, int stride, int pad) {
    return new ConvolutionLayer.Builder(kernel, kernel)
        .name(name).nIn(in).nOut(out).stride(stride, stride).padding(pad, pad)
        .activation(Activation.RELU).build();
  }

  private static Layer maxPool(String name, int size) {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .name(name).kernelSize(size, size).stride(size, size).build();
  }
}
