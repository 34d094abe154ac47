package org.relief.model.train;

import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.relief.model.compact.CompactNetwork;
import org.relief.model.data.ImageDataset;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OpenMpThreads;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.NetworkMasks;

/**
 * A {@link PhaseTrainer} in this JVM, on DL4J directly.
 *
 * <p>Every phase starts a fresh optimiser and learning-rate schedule, as the reference does
 * after each pruning step. The data order of each epoch comes from the seed, the phase name and
 * the epoch number, so a resumed run sees the same batches as an uninterrupted one.
 */
public final class MaskedTrainer implements PhaseTrainer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MaskedTrainer.class);
  private static final int EVAL_BATCH = 500;

  private final NetworkSpec spec;
  private final OptimizerKind optimizer;
  private final double learningRate;
  private final double momentum;
  private final double weightDecay;
  private final double gamma;
  private final int batchSize;
  private final boolean shuffle;
  private final boolean augment;
  private final long seed;
  private final boolean compact;

  /** @param augment the reference's crop-flip augmentation on every training batch (seeded) */
  public MaskedTrainer(NetworkSpec spec, OptimizerKind optimizer, double learningRate, double momentum,
      double weightDecay, double gamma, int batchSize, boolean shuffle, boolean augment, long seed) {
    this(spec, optimizer, learningRate, momentum, weightDecay, gamma, batchSize, shuffle, augment, seed, false);
  }

  private MaskedTrainer(NetworkSpec spec, OptimizerKind optimizer, double learningRate, double momentum,
      double weightDecay, double gamma, int batchSize, boolean shuffle, boolean augment, long seed, boolean compact) {
    this.spec = spec;
    this.optimizer = optimizer;
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.gamma = gamma;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.augment = augment;
    this.seed = seed;
    this.compact = compact;
  }

  /**
   * This trainer retraining compact networks ({@link CompactNetwork}, {@code
   * train.retrain-compact}) when {@code compact}: the same function trained with fewer
   * parameters, mapped back into the full network after every epoch that is kept.
   */
  public MaskedTrainer compacting(boolean compact) {
    return new MaskedTrainer(spec, optimizer, learningRate, momentum, weightDecay, gamma, batchSize, shuffle, augment, seed,
        compact);
  }

  /** What the epoch loop trains: the masked full-size network, or its compact copy. */
  private record Trained(Model model, Consumer<DataSet> fit, UnaryOperator<INDArray> output, Runnable epochDone,
      Supplier<float[]> fullParams) {}

  @Override
  public Result train(Phase phase, float[] start, NetworkMasks masks, ImageDataset data, ImageDataset selection,
      EpochListener listener) {
    OpenMpThreads.pinCurrentThread(); // the same trained weights in whichever thread trains
    IUpdater updater = LearningRate.updater(optimizer, learningRate, momentum, phase.milestones(), gamma);
    ReliefNetwork net = spec.architecture().trainable(spec, updater, weightDecay, start);
    float[] flatMask = masks.toFlat(net.layout());
    float[] masked = MaskEnforcer.masked(start, flatMask);
    if (phase.epochs() == 0) {
      return new Result(masked, 0, Double.NaN);
    }
    net.setParams(masked);
    Trained trained;
    if (compact && !MaskEnforcer.isFull(flatMask)) {
      CompactNetwork small = CompactNetwork.of(net, masks);
      LOG.info("{}: retraining the compact network, {} of {} parameters", phase.name(), small.numParams(), masked.length);
      enforce(small.dl4j(), small.gather(flatMask));
      trained = new Trained(small.dl4j(), small::fit, small::output, small::incrementEpochCount,
          () -> small.scatter(masked));
    } else {
      enforce(net.dl4j(), flatMask);
      trained = new Trained(net.dl4j(), net::fit, net::output, net::incrementEpochCount, net::params);
    }

    CheckpointSelection checkpoint = new CheckpointSelection(selection != null);
    for (int epoch = 1; epoch <= phase.epochs(); epoch++) {
      long t0 = System.nanoTime();
      double loss = trainEpoch(trained, phase, epoch, data);
      trained.epochDone().run();
      double accuracy = selection == null ? Double.NaN : Accuracy.of(trained.output(), spec, selection, EVAL_BATCH).top1();
      checkpoint.offer(epoch, accuracy, trained.fullParams());
      listener.epochDone(new EpochReport(phase.name(), epoch, phase.epochs(), loss, accuracy, (System.nanoTime() - t0) / 1e9));
    }
    return checkpoint.result(phase.epochs(), trained.fullParams());
  }

  /** Holds {@code flatMask}'s zeros through the training of {@code model} (nothing to hold if it prunes nothing). */
  private static void enforce(Model model, float[] flatMask) {
    if (!MaskEnforcer.isFull(flatMask)) {
      model.setListeners(new MaskEnforcer(flatMask));
    }
  }

  /** One pass over the data in seeded order; returns the mean training loss. */
  private double trainEpoch(Trained net, Phase phase, int epoch, ImageDataset data) {
    int n = data.size();
    int[] order = shuffle ? EpochOrder.of(n, seed, phase.name(), epoch) : EpochOrder.permutation(n, null);
    double lossSum = 0;
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      int[] idx = new int[b];
      System.arraycopy(order, start, idx, 0, b);
      INDArray features = augment
          ? data.augmentedFeatures(idx, new java.util.SplittableRandom(seed ^ (997L * epoch + start) ^ phase.name().hashCode()),
              org.relief.model.data.CropFlip.REFERENCE_PAD, spec.batchShape(b))
          : data.features(idx, spec.batchShape(b));
      net.fit().accept(new DataSet(features, data.oneHotLabels(idx)));
      double loss = net.model().score();
      if (!Double.isFinite(loss)) {
        throw new TrainingDivergedException("training diverged: loss " + loss + " in " + phase.name() + ", epoch "
            + epoch + ", batch " + (start / batchSize + 1) + " (learning rate " + learningRate + " too high?)");
      }
      lossSum += loss * b;
    }
    return lossSum / n;
  }

}
