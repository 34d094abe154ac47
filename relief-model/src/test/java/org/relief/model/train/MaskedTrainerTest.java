package org.relief.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.relief.model.baseline.BaselinePruner;
import org.relief.model.baseline.PrunerKind;
import org.relief.model.data.DatasetKind;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.SyntheticImages;
import org.relief.model.metrics.NetworkCensus;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OpenMpThreads;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.NetworkMasks;

/** Masked training keeps pruned parameters at exactly zero and trains everything else. */
class MaskedTrainerTest {

  /** Random 28x28 images with labels that depend on them (so there is something to learn). */
  static ImageDataset learnable(int n, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[n * 784];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(10);
      labels[i] = (byte) label;
      for (int k = 0; k < 784; k++) {
        int bright = (k % 10 == label) ? 200 : 30;
        pixels[i * 784 + k] = (byte) Math.min(255, bright + random.nextInt(40));
      }
    }
    return new ImageDataset("learnable", 1, 28, 28, 10, pixels, labels);
  }

  /** A share {@code keep} of the network's weights and biases, chosen at random. */
  static NetworkMasks randomMasks(ReliefNetwork network, double keep, long seed) {
    NetworkMasks full = NetworkMasks.full(network.topology());
    return new BaselinePruner(PrunerKind.RANDOM).prune(network, full,
        Math.round(keep * NetworkCensus.of(network.topology(), full).total()), seed);
  }

  @ParameterizedTest
  @EnumSource(OptimizerKind.class)
  void prunedParametersAreExactlyZeroAfterTrainingWithWeightDecay(OptimizerKind optimizer) {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 3);
    ReliefNetwork network = spec.build();
    float[] start = network.params();
    NetworkMasks masks = randomMasks(network, 0.2, 1); // 80 % pruned, biases included
    float[] mask = masks.toFlat(network.layout());
    MaskedTrainer trainer = new MaskedTrainer(spec, optimizer, optimizer == OptimizerKind.ADAM ? 1e-3 : 0.01, 0.9,
        5e-4, 0.1, 60, true, false, 7);

    PhaseTrainer.Result r = trainer.train(new PhaseTrainer.Phase("retrain-1", 2, List.of(1)), start, masks,
        learnable(600, 1), null, e -> { });

    int regrown = 0;
    int moved = 0;
    for (int k = 0; k < mask.length; k++) {
      if (mask[k] == 0f && r.params()[k] != 0f) {
        regrown++;
      }
      if (mask[k] == 1f && r.params()[k] != start[k]) {
        moved++;
      }
    }
    assertEquals(0, regrown, "pruned parameters that are not exactly 0 after training");
    assertTrue(moved > 0.9 * java.util.stream.IntStream.range(0, mask.length).filter(k -> mask[k] == 1f).count(),
        "surviving parameters were trained");
  }

  @Test
  void trainingLearnsAndKeepsTheBestEpochOnTheSelectionSet() {
    NetworkSpec spec = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 3);
    ReliefNetwork network = spec.build();
    float[] start = network.params();
    NetworkMasks full = NetworkMasks.full(network.topology());
    List<PhaseTrainer.EpochReport> reports = new ArrayList<>();
    MaskedTrainer trainer = new MaskedTrainer(spec, OptimizerKind.ADAM, 1e-3, 0.9, 0, 0.1, 50, true, false, 1);

    PhaseTrainer.Result r = trainer.train(new PhaseTrainer.Phase("pretrain", 3, List.of()), start, full,
        learnable(500, 2), learnable(200, 3), reports::add);

    assertEquals(3, reports.size());
    double best = reports.stream().mapToDouble(PhaseTrainer.EpochReport::selectionAccuracy).max().orElseThrow();
    assertEquals(best, r.selectionAccuracy());
    assertEquals(best, reports.get(r.selectedEpoch() - 1).selectionAccuracy());
    assertTrue(best > 50, "a learnable problem is learnt: " + best);
  }

  /**
   * oneDNN's backward kernels sum by thread, and OpenMP's thread count is a per-thread setting
   * that ND4J leaves different in different threads ({@link OpenMpThreads}): the trainer sets
   * its own, so a run trains the same weights in the main thread, a sweep's trial thread or a
   * Spark task. Here the other thread starts with a count unlike the target; without the
   * trainer's setting the two ResNet-20 trainings differ after two steps.
   */
  @Test
  void trainsTheSameWeightsInWhicheverThreadTrains() throws Exception {
    NetworkSpec spec = new NetworkSpec(Architecture.RESNET20, 3, 32, 32, 10, 5);
    ReliefNetwork network = spec.build();
    float[] start = network.params();
    NetworkMasks full = NetworkMasks.full(network.topology());
    ImageDataset data = SyntheticImages.of(DatasetKind.CIFAR10, 240, 1, 5).train();
    MaskedTrainer trainer = new MaskedTrainer(spec, OptimizerKind.ADAM, 1e-3, 0.9, 0, 0.1, 120, true, false, 7);
    PhaseTrainer.Phase phase = new PhaseTrainer.Phase("p", 1, List.of());

    float[] here = trainer.train(phase, start, full, data, null, e -> { }).params();
    int unlike = OpenMpThreads.target() == 1 ? 2 : 1;
    java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor();
    float[] there;
    try {
      there = other.submit(() -> {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(unlike);
        return trainer.train(phase, start, full, data, null, e -> { }).params();
      }).get();
    } finally {
      other.shutdown();
    }

    assertArrayEquals(here, there);
    assertEquals(OpenMpThreads.target(), OpenMpThreads.ofCurrentThread());
  }

  @Test
  void classicMomentumIsPyTorchsHeavyBall() {
    ClassicMomentum config = new ClassicMomentum(0.5, 0.9);
    INDArray state = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 2);
    var updater = config.instantiate(state, true);
    INDArray g1 = Nd4j.createFromArray(new float[] {1f, -2f}).reshape(1, 2);
    updater.applyUpdater(g1, 0, 0); // v = g1; update = lr * v
    assertTrue(g1.equalsWithEps(Nd4j.createFromArray(new float[] {0.5f, -1f}).reshape(1, 2), 1e-7));
    INDArray g2 = Nd4j.createFromArray(new float[] {2f, 0f}).reshape(1, 2);
    updater.applyUpdater(g2, 1, 0); // v = 0.9 * g1 + g2 = (2.9, -1.8); update = (1.45, -0.9)
    assertTrue(g2.equalsWithEps(Nd4j.createFromArray(new float[] {1.45f, -0.9f}).reshape(1, 2), 1e-6), g2.toString());
  }

  @Test
  void multiStepScheduleDropsByGammaAtEachMilestone() {
    ISchedule s = LearningRate.multiStep(0.1, List.of(20, 40), 0.1);
    assertEquals(0.1, s.valueAt(0, 0), 1e-12);
    assertEquals(0.1, s.valueAt(0, 19), 1e-12);
    assertEquals(0.01, s.valueAt(0, 20), 1e-12);
    assertEquals(0.001, s.valueAt(0, 45), 1e-12);
  }
}
