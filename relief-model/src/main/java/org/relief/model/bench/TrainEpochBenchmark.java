package org.relief.model.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.learning.config.NoOp;
import org.relief.model.baseline.BaselinePruner;
import org.relief.model.baseline.PrunerKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OneDnnHelpers;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.train.Accuracy;
import org.relief.model.train.PhaseTrainer;

/**
 * One epoch of masked training, timed after a warm-up epoch on a tenth of the data: the real
 * training path (masks held at zero; half of the weights and biases pruned at random, seeded,
 * option-A shortcuts' padded channels gated off), the
 * product's data pipeline, Adam. Reports images per second and the test accuracy after the
 * epoch, which shows what a distributed trainer costs in accuracy.
 */
public final class TrainEpochBenchmark {

  /** The measured epoch; {@link #line(String, int)} is the command-line contract's output. */
  public record Result(String model, int examples, double epochSeconds, double testAccuracy, String training,
      String helpers) {
    public double imagesPerSecond() {
      return examples / epochSeconds;
    }

    /** @param spin the OpenMP spin count the process started with ({@link org.relief.model.net.OpenMpThreads#spinRounds}) */
    public String line(String natives, int threads, String spin) {
      return String.format(Locale.ROOT,
          "train-epoch model=%s n=%d epoch_s=%.2f images_per_s=%.1f natives=%s threads=%d spin=%s helpers=%s"
              + " training=%s test_acc=%.2f",
          model, examples, epochSeconds, imagesPerSecond(), natives, threads, spin, helpers, training, testAccuracy);
    }
  }

  private final NetworkSpec spec;
  private final PhaseTrainer trainer;
  private final String training;

  public TrainEpochBenchmark(NetworkSpec spec, PhaseTrainer trainer, String training) {
    this.spec = spec;
    this.trainer = trainer;
    this.training = training;
  }

  public Result run(ImageDataset train, ImageDataset test) {
    ReliefNetwork network = spec.build();
    float[] start = network.params();
    NetworkMasks mask = halfPruned(network, spec.seed());
    ImageDataset warmup = train.head(Math.max(1, train.size() / 10));
    trainer.train(new PhaseTrainer.Phase("warmup", 1, List.of()), start, mask, warmup, null, e -> { });
    trainer.prepare(train);
    long t0 = System.nanoTime();
    PhaseTrainer.Result r = trainer.train(new PhaseTrainer.Phase("epoch", 1, List.of()), start, mask, train, null, e -> { });
    double seconds = (System.nanoTime() - t0) / 1e9;
    network.setParams(r.params());
    // the helpers of a network built to train, as the trainer builds it (not of the network evaluated here)
    String helpers = OneDnnHelpers.inUse(spec.architecture().trainable(spec, new NoOp(), 0.0, start).dl4j());
    return new Result(spec.architecture().id(), train.size(), seconds, Accuracy.of(network, test, 500).top1(), training,
        helpers);
  }

  /**
   * Half of the weights and biases pruned at random (seeded), and the zero-padded channels of
   * every option-A shortcut gated off, as Relief's first pruning step always leaves them (their
   * shortcut activity is 0): the masks a ResNet retrains with.
   */
  static NetworkMasks halfPruned(ReliefNetwork network, long seed) {
    NetworkMasks full = NetworkMasks.full(network.topology());
    NetworkMasks half = new BaselinePruner(PrunerKind.RANDOM).prune(network, full,
        NetworkCensus.of(network.topology(), full).total() / 2, seed);
    List<LayerMask> padded = new ArrayList<>();
    for (PrunableLayer layer : network.topology().layers()) {
      if (layer.hasResidual()) {
        boolean[] closed = new boolean[layer.outputs()];
        for (int k = 0; k < closed.length; k++) {
          closed[k] = layer.residual().sourceChannel(k) < 0;
        }
        padded.add(half.layer(layer.name()).withoutGates(closed));
      }
    }
    return half.with(padded);
  }
}
