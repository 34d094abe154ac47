package org.relief.model.data;

import org.relief.model.config.Identified;

/**
 * The datasets Relief reads, with the shape of their examples (known before any file is
 * read, so an architecture/dataset mismatch fails before any work) and their loader.
 */
public enum DatasetKind implements Identified {
  MNIST("mnist", 1, 28, 28, 10, ""),
  FASHION_MNIST("fashion-mnist", 1, 28, 28, 10, MnistFormat.DEBIAN_FASHION_MNIST),
  CIFAR10("cifar10", 3, 32, 32, 10, ""),
  CIFAR100("cifar100", 3, 32, 32, 100, ""),
  CIFAR100_COARSE("cifar100-coarse", 3, 32, 32, 20, ""),
  TINY_IMAGENET("tiny-imagenet", 3, 64, 64, 200, "");

  private final String id;
  private final int channels;
  private final int height;
  private final int width;
  private final int classes;
  private final String defaultPath;

  DatasetKind(String id, int channels, int height, int width, int classes, String defaultPath) {
    this.id = id;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
    this.defaultPath = defaultPath;
  }

  @Override
  public String id() {
    return id;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int classes() {
    return classes;
  }

  /** Where the data is when {@code dataset.path} is not set ("" if there is no usual place). */
  public String defaultPath() {
    return defaultPath;
  }

  public static DatasetKind fromId(String id) {
    return Identified.parse(values(), id, "dataset");
  }

  /** Reads the training and test splits from {@code dir}. */
  public TrainTest load(String dir) {
    return switch (this) {
      case MNIST, FASHION_MNIST -> MnistFormat.load(dir, id);
      case CIFAR10 -> CifarFormat.loadCifar10(dir);
      case CIFAR100 -> CifarFormat.loadCifar100(dir, false);
      case CIFAR100_COARSE -> CifarFormat.loadCifar100(dir, true);
      case TINY_IMAGENET -> TinyImageNetFormat.load(dir);
    };
  }

  @Override
  public String toString() {
    return id;
  }
}
