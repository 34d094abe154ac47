package org.relief.model.data;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The reference's training augmentation on a batch of normalised images {@code [n, C, H, W]}
 * (C order): a random crop of each image padded by {@code pad} pixels of value 0 on every
 * side (torchvision's {@code RandomCrop(size, padding=pad)}), then a horizontal flip with
 * probability 1/2. A padding pixel of value 0 becomes {@code (0 − mean_c) / std_c} after
 * normalisation: {@code padValues}. Per image, three draws: the crop's row and column offsets,
 * then the flip. The same draws give the same batch in the driver or on a Spark worker.
 */
public record CropFlip(int channels, int height, int width, int pad, float[] padValues) implements Serializable {
  /** The reference's padding for CIFAR: {@code RandomCrop(32, padding=4)}. */
  public static final int REFERENCE_PAD = 4;

  /** A copy of {@code batch} augmented with draws from {@code random}. */
  public float[] apply(float[] batch, SplittableRandom random) {
    int plane = height * width;
    int volume = channels * plane;
    float[] out = new float[batch.length];
    for (int base = 0; base < batch.length; base += volume) {
      int oy = random.nextInt(2 * pad + 1) - pad;
      int ox = random.nextInt(2 * pad + 1) - pad;
      boolean flip = random.nextBoolean();
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          int sy = y + oy;
          for (int x = 0; x < width; x++) {
            int sx = (flip ? width - 1 - x : x) + ox;
            out[base + c * plane + y * width + x] = sy < 0 || sy >= height || sx < 0 || sx >= width
                ? padValues[c] : batch[base + c * plane + sy * width + sx];
          }
        }
      }
    }
    return out;
  }
}
