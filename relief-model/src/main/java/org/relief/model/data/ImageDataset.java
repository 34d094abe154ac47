package org.relief.model.data;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.ReliefInputException;

/**
 * Labelled images held as unsigned bytes ({@code N·C·H·W}, row-major) and turned into float
 * batches on demand, scaled to [0, 1]. Immutable.
 */
public final class ImageDataset implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int classes;
  private final byte[] pixels;
  private final byte[] labels;
  private final float[] mean;
  private final float[] std;

  /**
   * Images scaled to [0, 1].
   *
   * @param name where the data came from, for messages (e.g. the directory)
   * @param labels one class index per image, each in [0, classes)
   */
  public ImageDataset(String name, int channels, int height, int width, int classes, byte[] pixels, byte[] labels) {
    this(name, channels, height, width, classes, pixels, labels, null, null);
  }

  /**
   * Images scaled to [0, 1], then normalised per channel as {@code (x - mean[c]) / std[c]}
   * when {@code mean} and {@code std} are given (the reference normalises CIFAR this way).
   */
  public ImageDataset(String name, int channels, int height, int width, int classes, byte[] pixels, byte[] labels,
      float[] mean, float[] std) {
    long volume = (long) channels * height * width;
    if (pixels.length != volume * labels.length) {
      throw new ReliefInputException(name + ": " + labels.length + " labels but " + pixels.length / Math.max(1, volume)
          + " images of " + channels + "x" + height + "x" + width);
    }
    for (int i = 0; i < labels.length; i++) {
      int label = Byte.toUnsignedInt(labels[i]);
      if (label >= classes) {
        throw new ReliefInputException(name + ": label " + label + " of example " + i + " is not a class in [0, " + classes + ")");
      }
    }
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.classes = classes;
    this.pixels = pixels;
    this.labels = labels;
    if ((mean == null) != (std == null) || (mean != null && (mean.length != channels || std.length != channels))) {
      throw new IllegalArgumentException(name + ": normalisation needs one mean and one std per channel");
    }
    this.mean = mean == null ? null : mean.clone();
    this.std = std == null ? null : std.clone();
  }

  public String name() {
    return name;
  }

  public int size() {
    return labels.length;
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

  public int volume() {
    return channels * height * width;
  }

  public int label(int index) {
    return Byte.toUnsignedInt(labels[index]);
  }

  /** The images at {@code indices} as floats (see the constructors), shaped {@code shape}, e.g. [n, C, H, W] or [n, C·H·W]. */
  public INDArray features(int[] indices, long... shape) {
    int v = volume();
    int plane = height * width;
    float[] out = new float[indices.length * v];
    for (int r = 0; r < indices.length; r++) {
      int base = indices[r] * v;
      for (int k = 0; k < v; k++) {
        float x = Byte.toUnsignedInt(pixels[base + k]) / 255f;
        if (mean != null) {
          int c = k / plane;
          x = (x - mean[c]) / std[c];
        }
        out[r * v + k] = x;
      }
    }
    return Nd4j.create(out, shape, 'c');
  }

  /** 0, 1, …, size − 1: every example, in order. */
  public int[] allIndices() {
    int[] all = new int[size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** A CRC-32 of shape, labels and pixels: equal datasets, equal fingerprints (for caching exports). */
  public String fingerprint() {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(java.nio.ByteBuffer.allocate(16).putInt(size()).putInt(channels).putInt(height).putInt(width).array());
    crc.update(labels);
    crc.update(pixels);
    return String.format("%08x", crc.getValue());
  }

  /** The raw byte of pixel {@code k} (C·H·W order) of image {@code index}, for loaders' tests. */
  public int pixel(int index, int k) {
    return Byte.toUnsignedInt(pixels[index * volume() + k]);
  }

  /**
   * The images at {@code indices} scaled and normalised as {@link #features}, with the
   * reference's training augmentation drawn from {@code random} ({@link #cropFlip}).
   */
  public INDArray augmentedFeatures(int[] indices, java.util.SplittableRandom random, int pad, long... shape) {
    return Nd4j.create(cropFlip(pad).apply(features(indices, (long) indices.length * volume()).toFloatVector(), random), shape, 'c');
  }

  /** The crop-flip augmentation of these images, padding by {@code pad} pixels of value 0. */
  public CropFlip cropFlip(int pad) {
    float[] zero = new float[channels]; // what a padding pixel of value 0 becomes
    for (int c = 0; c < channels; c++) {
      zero[c] = mean == null ? 0f : -mean[c] / std[c];
    }
    return new CropFlip(channels, height, width, pad, zero);
  }

  /** One-hot labels {@code [n, classes]}. */
  public INDArray oneHotLabels(int[] indices) {
    float[] out = new float[indices.length * classes];
    for (int r = 0; r < indices.length; r++) {
      out[r * classes + label(indices[r])] = 1f;
    }
    return Nd4j.create(out, new long[] {indices.length, classes}, 'c');
  }

  /** A dataset of the examples at {@code indices}, in that order. */
  public ImageDataset subset(int[] indices) {
    int v = volume();
    byte[] p = new byte[indices.length * v];
    byte[] l = new byte[indices.length];
    for (int r = 0; r < indices.length; r++) {
      System.arraycopy(pixels, indices[r] * v, p, r * v, v);
      l[r] = labels[indices[r]];
    }
    return new ImageDataset(name, channels, height, width, classes, p, l, mean, std);
  }

  /** The first {@code n} examples (all if {@code n} is 0 or at least the size). */
  public ImageDataset head(int n) {
    if (n <= 0 || n >= size()) {
      return this;
    }
    return subset(java.util.Arrays.copyOf(allIndices(), n));
  }
}
