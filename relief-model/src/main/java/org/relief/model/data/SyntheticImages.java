package org.relief.model.data;

import java.util.SplittableRandom;

/**
 * Seeded stand-in images of a dataset's shape, for benchmarks on a machine that has no copy of
 * the dataset (no CIFAR or Tiny-ImageNet is reachable here). Each class is a fixed random
 * pattern of 4×4-pixel blocks; each image is its class's pattern plus pixel noise, so a network
 * can learn it (an epoch's accuracy says training works) and activations are not those of pure
 * noise. Normalised like the real dataset. The cost of a pruning step or a training epoch does
 * not depend on what the pixels show, only on the shape.
 */
public final class SyntheticImages {
  private static final int BLOCK = 4;
  private static final int NOISE = 48;

  private SyntheticImages() {}

  /** {@code train} and {@code test} images shaped like {@code kind}'s, drawn from {@code seed}. */
  public static TrainTest of(DatasetKind kind, int train, int test, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] patterns = new byte[kind.classes()][];
    for (int c = 0; c < patterns.length; c++) {
      patterns[c] = pattern(kind, random);
    }
    return new TrainTest(images(kind, "train", train, patterns, random), images(kind, "test", test, patterns, random));
  }

  private static byte[] pattern(DatasetKind kind, SplittableRandom random) {
    int h = kind.height();
    int w = kind.width();
    byte[] out = new byte[kind.channels() * h * w];
    for (int ch = 0; ch < kind.channels(); ch++) {
      for (int by = 0; by < h; by += BLOCK) {
        for (int bx = 0; bx < w; bx += BLOCK) {
          int value = random.nextInt(256);
          for (int y = by; y < Math.min(h, by + BLOCK); y++) {
            for (int x = bx; x < Math.min(w, bx + BLOCK); x++) {
              out[(ch * h + y) * w + x] = (byte) value;
            }
          }
        }
      }
    }
    return out;
  }

  private static ImageDataset images(DatasetKind kind, String split, int n, byte[][] patterns, SplittableRandom random) {
    int volume = kind.channels() * kind.height() * kind.width();
    byte[] pixels = new byte[n * volume];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(patterns.length);
      labels[i] = (byte) label;
      for (int k = 0; k < volume; k++) {
        int v = Byte.toUnsignedInt(patterns[label][k]) + random.nextInt(2 * NOISE + 1) - NOISE;
        pixels[i * volume + k] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    String name = "synthetic " + kind.id() + "-shaped " + split;
    boolean colour = kind.channels() == 3;
    return new ImageDataset(name, kind.channels(), kind.height(), kind.width(), kind.classes(), pixels, labels,
        colour ? CifarFormat.MEAN : null, colour ? CifarFormat.STD : null);
  }
}
