package org.relief.model.net;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a float activation {@code [n, C, H, W]} of a network built to train lies in its buffer.
 * DL4J sees the same shape either way; only Relief's training layers read the values, and each
 * carries the layout of what it reads and writes in its configuration.
 *
 * <p>oneDNN's convolutions on an AVX-512 CPU work in {@link #CHANNEL_BLOCKS} (its {@code
 * nChw16c}). With ResNet-20's activations in DL4J's {@link #PLANAR} NCHW, every convolution
 * reordered its input and output, forward and backward: 74 reorders and ~40–50 ms of a ~260 ms
 * training step (oneDNN's verbose log, docs/BENCHMARKS.md). Kept in blocks from one convolution to
 * the next, through BatchNorm, the shortcut and the residual add, they are reordered nowhere.
 */
public enum ActivationLayout {
  /** DL4J's NCHW: each (sample, channel) plane of H·W values in turn. */
  PLANAR,
  /**
   * oneDNN's {@code nChw16c}: per sample, the channels in blocks of {@value #BLOCK}, each block's
   * pixels in row-major order, and a pixel's {@value #BLOCK} channels of the block side by side.
   * Needs C to be a multiple of {@value #BLOCK} (oneDNN would pad the last block; DL4J's arrays
   * have no room for that).
   */
  CHANNEL_BLOCKS;

  /** Channels per block of {@link #CHANNEL_BLOCKS}. */
  public static final int BLOCK = 16;
  /** System property: {@code planar} keeps every training activation in NCHW (to measure the layout, or to rule it out). */
  public static final String PROPERTY = "relief.layout";

  /**
   * The layout a network built to train keeps an activation of {@code channels} channels in:
   * {@link #CHANNEL_BLOCKS} where Relief's own oneDNN convolutions run, BatchNorm's passes have
   * a kernel for that layout ({@link BatchNormPasses#runsChannelBlocks}) and the channels fill
   * whole blocks; else {@link #PLANAR}.
   */
  static ActivationLayout forTraining(long channels) {
    boolean blocks = channels % BLOCK == 0 && !"planar".equals(System.getProperty(PROPERTY))
        && OneDnn.available() && BatchNormPasses.fastest().runsChannelBlocks();
    return blocks ? CHANNEL_BLOCKS : PLANAR;
  }

  /** This layout if an activation of {@code channels} channels fits it, else {@link #PLANAR}. */
  public ActivationLayout forChannels(long channels) {
    return this == CHANNEL_BLOCKS && channels % BLOCK != 0 ? PLANAR : this;
  }

  /** Where value (sample, channel, pixel) of a batch with {@code channels} channels of {@code plane} pixels lies. */
  long offset(int sample, int channel, int pixel, int channels, int plane) {
    long sampleStart = (long) sample * channels * plane;
    return this == PLANAR
        ? sampleStart + (long) channel * plane + pixel
        : sampleStart + ((long) (channel / BLOCK) * plane + pixel) * BLOCK + channel % BLOCK;
  }

  /** How far apart a channel's neighbouring pixels lie. */
  int pixelStride() {
    return this == PLANAR ? 1 : BLOCK;
  }

  /** A c-order copy of the NCHW batch {@code planar} laid out in this layout (as DL4J sees it: same shape). */
  INDArray fromPlanar(INDArray planar) {
    if (this == PLANAR) {
      return planar.dup('c');
    }
    long[] s = checkBlocks(planar);
    return planar.reshape('c', s[0], s[1] / BLOCK, BLOCK, s[2], s[3]).permute(0, 1, 3, 4, 2).dup('c')
        .reshape('c', s);
  }

  /** A c-order NCHW copy of {@code laidOut}, a batch in this layout. */
  INDArray toPlanar(INDArray laidOut) {
    if (this == PLANAR) {
      return laidOut.dup('c');
    }
    long[] s = checkBlocks(laidOut);
    return laidOut.dup('c').reshape('c', s[0], s[1] / BLOCK, s[2], s[3], BLOCK).permute(0, 1, 4, 2, 3).dup('c')
        .reshape('c', s);
  }

  private static long[] checkBlocks(INDArray a) {
    if (a.rank() != 4 || a.size(1) % BLOCK != 0) {
      throw new IllegalArgumentException("channel blocks need [n, C, H, W] with C a multiple of " + BLOCK + ", got "
          + java.util.Arrays.toString(a.shape()));
    }
    return a.shape();
  }
}
