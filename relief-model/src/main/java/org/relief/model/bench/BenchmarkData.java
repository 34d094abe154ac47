package org.relief.model.bench;

import org.relief.model.data.DatasetKind;
import org.relief.model.data.SyntheticImages;
import org.relief.model.data.TrainTest;
import org.relief.model.net.Architecture;

/**
 * What a benchmark feeds a network: the files of a dataset where there are some, else seeded
 * synthetic images of its shape ({@link SyntheticImages}; CIFAR-10 and Tiny-ImageNet are not
 * reachable on the machines these benchmarks were written on).
 */
public final class BenchmarkData {
  /** Seed of the synthetic images, fixed so every benchmark run sees the same ones. */
  private static final long SEED = 42;

  private BenchmarkData() {}

  /** Fashion-MNIST for networks of 1-channel input, CIFAR-10 for the others. */
  public static DatasetKind defaultKind(Architecture architecture) {
    return architecture.inputChannels() == 1 ? DatasetKind.FASHION_MNIST : DatasetKind.CIFAR10;
  }

  /**
   * The dataset's files in {@code dir}; with {@code dir} empty, in the dataset's usual place if
   * it has one (Fashion-MNIST's Debian package), else {@code train} and {@code test} synthetic
   * images of its shape.
   */
  public static TrainTest load(DatasetKind kind, String dir, int train, int test) {
    if (!dir.isEmpty()) {
      return kind.load(dir);
    }
    if (!kind.defaultPath().isEmpty()) {
      return kind.load(kind.defaultPath());
    }
    return SyntheticImages.of(kind, train, test, SEED);
  }

  /** A one-word account of where the images came from, for the benchmark's output line. */
  public static String source(DatasetKind kind, String dir) {
    return dir.isEmpty() && kind.defaultPath().isEmpty() ? "synthetic-" + kind.id() : kind.id();
  }
}
