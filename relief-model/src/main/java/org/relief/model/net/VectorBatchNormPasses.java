package org.relief.model.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BatchNormPasses} on the JDK's Vector API. Every pass walks the batch in memory order, runs
 * of samples in parallel and each sample's channel planes in turn, loading and storing the native
 * buffers in place. A plane's sums go into float vectors (at most a plane's values per lane
 * chain), then into per-channel doubles. The plain-Java passes read one channel's strided planes at
 * a time through heap copies, and their double sums are add chains that C2 does not vectorise;
 * these passes are ~1.6–3× faster on ResNet-20's shapes (docs/BENCHMARKS.md). Planes narrower than
 * a vector ({@code [n, C]} batches) go to the plain-Java passes. Only {@link BatchNormPasses.Choice}
 * names this class, by reflection, when the incubator module is in the boot layer.
 *
 * <p>In {@link ActivationLayout#CHANNEL_BLOCKS} a pixel's 16 channels of a block are one vector
 * of 16 lanes, one lane per channel: the sums need no reduction across lanes, and the
 * per-channel mean, scale and shift are one vector each per block. Those kernels need 16-lane
 * vectors (AVX-512; {@link #runsChannelBlocks}); elsewhere the plain-Java passes read such a
 * batch plane by plane.
 *
 * <p>Every vector is built and consumed inside one method body: a vector that crosses a call C2
 * did not inline is boxed on the heap.
 */
final class VectorBatchNormPasses implements BatchNormPasses {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  /** Doubles for half a float vector's lanes: a block's sums widen into two of them. */
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Runs of samples a pass splits a batch into (several per core on small machines, for balance). */
  private static final int RUNS = 16;
  /** Pixels of a block whose sums a lane takes in float (two chains) before they go into doubles. */
  private static final int CHUNK = 32;
  private final BatchNormPasses narrow = new ScalarBatchNormPasses();

  @Override
  public boolean runsChannelBlocks() {
    return V == ActivationLayout.BLOCK;
  }

  @Override
  public ChannelMoments.Moments moments(INDArray x, ActivationLayout layout) {
    ChannelPlanes xs = ChannelPlanes.of(x, layout);
    if (!vectorised(xs)) {
      return narrow.moments(x, layout);
    }
    int channels = xs.channels();
    float[] none = new float[channels];
    // Σ x and Σ x·x: the backward pass's sums with dy = x, ungated
    double[] sums = sumPerChannel(xs, (run, sample) -> {
      if (layout == ActivationLayout.CHANNEL_BLOCKS) {
        for (int b = 0; b < channels / V; b++) {
          addBlockProductSums(xs.bytes(), xs.bytes(), xs.blockByteOffset(sample, b), xs.plane(), false, none, none,
              none, run, b);
        }
        return;
      }
      for (int ch = 0; ch < channels; ch++) {
        addProductSums(xs.bytes(), xs.bytes(), xs.byteOffset(sample, ch), xs.plane(), false, 0f, 0f, 0f, run, 2 * ch);
      }
    });
    double count = (double) xs.samples() * xs.plane();
    float[] means = new float[channels];
    float[] variances = new float[channels];
    for (int ch = 0; ch < channels; ch++) {
      double m = sums[2 * ch] / count;
      means[ch] = (float) m;
      variances[ch] = (float) Math.max(0, sums[2 * ch + 1] / count - m * m);
    }
    return new ChannelMoments.Moments(means, variances);
  }

  @Override
  public void forward(INDArray x, ActivationLayout layout, float[] mean, float[] variance, float[] gamma, float[] beta,
      double eps, boolean rectify, INDArray out) {
    ChannelPlanes xs = ChannelPlanes.of(x, layout);
    ChannelPlanes ys = ChannelPlanes.target(out, layout);
    if (out.length() != x.length() || mean.length != xs.channels()) {
      throw new IllegalArgumentException("y must be a fresh c-order array of x's shape, with moments per channel");
    }
    if (!vectorised(xs)) {
      narrow.forward(x, layout, mean, variance, gamma, beta, eps, rectify, out);
      return;
    }
    float[] scales = scales(gamma, variance, eps);
    forEachSample(xs.samples(), sample -> {
      if (layout == ActivationLayout.CHANNEL_BLOCKS) {
        for (int b = 0; b < xs.channels() / V; b++) {
          normaliseBlock(xs.bytes(), ys.bytes(), xs.blockByteOffset(sample, b), xs.plane(), mean, scales, beta, b,
              rectify);
        }
        return;
      }
      for (int ch = 0; ch < xs.channels(); ch++) {
        normalise(xs.bytes(), ys.bytes(), xs.byteOffset(sample, ch), xs.plane(), mean[ch], scales[ch], beta[ch],
            rectify);
      }
    });
  }

  @Override
  public void backward(INDArray x, INDArray dy, ActivationLayout layout, ChannelMoments.Moments moments,
      INDArray gamma, INDArray beta, double eps, INDArray dx, INDArray dGamma, INDArray dBeta) {
    ChannelPlanes xs = ChannelPlanes.of(x, layout);
    ChannelPlanes dys = ChannelPlanes.of(dy, layout);
    ChannelPlanes dxs = ChannelPlanes.target(dx, layout);
    if (dx.length() != x.length() || !Arrays.equals(dy.shape(), x.shape())) {
      throw new IllegalArgumentException("dy must have x's shape, and dx must be a fresh c-order array of it");
    }
    if (!vectorised(xs)) {
      narrow.backward(x, dy, layout, moments, gamma, beta, eps, dx, dGamma, dBeta);
      return;
    }
    boolean blocks = layout == ActivationLayout.CHANNEL_BLOCKS;
    int channels = xs.channels();
    float[] mean = moments.means();
    float[] variance = moments.variances();
    float[] g = ArrayValues.read(gamma);
    boolean rectify = beta != null;
    float[] shifts = rectify ? ArrayValues.read(beta) : new float[channels];
    float[] scales = scales(g, variance, eps);
    double[] sums = sumPerChannel(xs, (run, sample) -> {
      if (blocks) {
        for (int b = 0; b < channels / V; b++) {
          addBlockProductSums(xs.bytes(), dys.bytes(), xs.blockByteOffset(sample, b), xs.plane(), rectify, mean, scales,
              shifts, run, b);
        }
        return;
      }
      for (int ch = 0; ch < channels; ch++) {
        addProductSums(xs.bytes(), dys.bytes(), xs.byteOffset(sample, ch), xs.plane(), rectify, mean[ch], scales[ch],
            shifts[ch], run, 2 * ch);
      }
    });
    double count = (double) xs.samples() * xs.plane();
    BatchNormBackward.Channel[] coefficients = new BatchNormBackward.Channel[channels];
    float[] dGammas = new float[channels];
    float[] dBetas = new float[channels];
    for (int ch = 0; ch < channels; ch++) {
      coefficients[ch] = BatchNormBackward.Channel.of(sums[2 * ch], sums[2 * ch + 1], mean[ch], variance[ch], g[ch],
          eps, count);
      dGammas[ch] = coefficients[ch].dGamma();
      dBetas[ch] = coefficients[ch].dBeta();
    }
    float[][] abc = blocks ? laneCoefficients(coefficients) : null;
    forEachSample(xs.samples(), sample -> {
      if (blocks) {
        for (int b = 0; b < channels / V; b++) {
          writeBlockGradient(xs.bytes(), dys.bytes(), dxs.bytes(), xs.blockByteOffset(sample, b), xs.plane(), rectify,
              mean, scales, shifts, abc, b);
        }
        return;
      }
      for (int ch = 0; ch < channels; ch++) {
        BatchNormBackward.Channel k = coefficients[ch];
        writeGradient(xs.bytes(), dys.bytes(), dxs.bytes(), xs.byteOffset(sample, ch), xs.plane(), rectify, mean[ch],
            scales[ch], shifts[ch], k.a(), k.b(), k.c());
      }
    });
    ArrayValues.write(dGammas, dGamma);
    ArrayValues.write(dBetas, dBeta);
  }

  /** One plane of y = (x − μ)·scale + β (ReLU(y) with {@code rectify}), the scalar pass's float expression. */
  private static void normalise(ByteBuffer xs, ByteBuffer ys, int from, int plane, float mean, float scale, float shift,
      boolean rectify) {
    FloatVector zero = FloatVector.zero(S);
    int p = 0;
    for (; p + V <= plane; p += V) {
      FloatVector y = FloatVector.fromByteBuffer(S, xs, from + 4 * p, ORDER).sub(mean).mul(scale).add(shift);
      (rectify ? y.max(zero) : y).intoByteBuffer(ys, from + 4 * p, ORDER);
    }
    for (; p < plane; p++) {
      float y = (xs.getFloat(from + 4 * p) - mean) * scale + shift;
      ys.putFloat(from + 4 * p, rectify ? Math.max(0f, y) : y);
    }
  }

  /**
   * run[at] += Σ dy, run[at + 1] += Σ dy·x over one plane, dy gated by [y &gt; 0] with {@code
   * rectify} (y recomputed from x as the forward pass computed it). With dy = x: Σ x and Σ x².
   */
  private static void addProductSums(ByteBuffer xs, ByteBuffer dys, int from, int plane, boolean rectify, float mean,
      float scale, float shift, double[] run, int at) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector s0 = zero;
    FloatVector s1 = zero;
    FloatVector q0 = zero;
    FloatVector q1 = zero;
    int p = 0;
    for (; p + 2 * V <= plane; p += 2 * V) {
      FloatVector x0 = FloatVector.fromByteBuffer(S, xs, from + 4 * p, ORDER);
      FloatVector x1 = FloatVector.fromByteBuffer(S, xs, from + 4 * (p + V), ORDER);
      FloatVector d0 = FloatVector.fromByteBuffer(S, dys, from + 4 * p, ORDER);
      FloatVector d1 = FloatVector.fromByteBuffer(S, dys, from + 4 * (p + V), ORDER);
      if (rectify) {
        d0 = zero.blend(d0, open(x0, mean, scale, shift));
        d1 = zero.blend(d1, open(x1, mean, scale, shift));
      }
      s0 = s0.add(d0);
      s1 = s1.add(d1);
      q0 = x0.fma(d0, q0);
      q1 = x1.fma(d1, q1);
    }
    for (; p + V <= plane; p += V) {
      FloatVector x0 = FloatVector.fromByteBuffer(S, xs, from + 4 * p, ORDER);
      FloatVector d0 = FloatVector.fromByteBuffer(S, dys, from + 4 * p, ORDER);
      if (rectify) {
        d0 = zero.blend(d0, open(x0, mean, scale, shift));
      }
      s0 = s0.add(d0);
      q0 = x0.fma(d0, q0);
    }
    double s = s0.add(s1).reduceLanes(VectorOperators.ADD);
    double q = q0.add(q1).reduceLanes(VectorOperators.ADD);
    for (; p < plane; p++) {
      float x = xs.getFloat(from + 4 * p);
      float d = gated(dys.getFloat(from + 4 * p), x, rectify, mean, scale, shift);
      s += d;
      q += (double) x * d;
    }
    run[at] += s;
    run[at + 1] += q;
  }

  /** One plane of dx = a·dy + b·x + c, dy gated as in {@link #addProductSums}. */
  private static void writeGradient(ByteBuffer xs, ByteBuffer dys, ByteBuffer dxs, int from, int plane,
      boolean rectify, float mean, float scale, float shift, float a, float b, float c) {
    FloatVector zero = FloatVector.zero(S);
    int p = 0;
    for (; p + V <= plane; p += V) {
      FloatVector x = FloatVector.fromByteBuffer(S, xs, from + 4 * p, ORDER);
      FloatVector d = FloatVector.fromByteBuffer(S, dys, from + 4 * p, ORDER);
      if (rectify) {
        d = zero.blend(d, open(x, mean, scale, shift));
      }
      d.mul(a).add(x.mul(b)).add(c).intoByteBuffer(dxs, from + 4 * p, ORDER);
    }
    for (; p < plane; p++) {
      float x = xs.getFloat(from + 4 * p);
      float d = gated(dys.getFloat(from + 4 * p), x, rectify, mean, scale, shift);
      dxs.putFloat(from + 4 * p, a * d + b * x + c);
    }
  }

  /** One sample's block {@code block} of y = (x − μ)·scale + β (ReLU(y) with {@code rectify}): 16 channels, lane by lane. */
  private static void normaliseBlock(ByteBuffer xs, ByteBuffer ys, int from, int plane, float[] mean, float[] scale,
      float[] shift, int block, boolean rectify) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector m = FloatVector.fromArray(S, mean, block * V);
    FloatVector k = FloatVector.fromArray(S, scale, block * V);
    FloatVector t = FloatVector.fromArray(S, shift, block * V);
    for (int at = from, end = from + 4 * V * plane; at < end; at += 4 * V) {
      FloatVector y = FloatVector.fromByteBuffer(S, xs, at, ORDER).sub(m).mul(k).add(t);
      (rectify ? y.max(zero) : y).intoByteBuffer(ys, at, ORDER);
    }
  }

  /**
   * As {@link #addProductSums} for one sample's block {@code block} (16 channels, one per lane):
   * {@code run[2·ch] += Σ dy}, {@code run[2·ch + 1] += Σ dy·x} for its channels. Each lane sums
   * {@value #CHUNK} pixels in float (two chains), then adds them into doubles.
   */
  private static void addBlockProductSums(ByteBuffer xs, ByteBuffer dys, int from, int plane, boolean rectify,
      float[] mean, float[] scale, float[] shift, double[] run, int block) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector m = FloatVector.fromArray(S, mean, block * V);
    FloatVector k = FloatVector.fromArray(S, scale, block * V);
    FloatVector t = FloatVector.fromArray(S, shift, block * V);
    DoubleVector sLow = DoubleVector.zero(D);
    DoubleVector sHigh = sLow;
    DoubleVector qLow = sLow;
    DoubleVector qHigh = sLow;
    for (int p = 0; p < plane; p += CHUNK) {
      FloatVector s0 = zero;
      FloatVector s1 = zero;
      FloatVector q0 = zero;
      FloatVector q1 = zero;
      int end = Math.min(plane, p + CHUNK);
      int i = p;
      for (; i + 2 <= end; i += 2) {
        int at = from + 4 * V * i;
        FloatVector x0 = FloatVector.fromByteBuffer(S, xs, at, ORDER);
        FloatVector x1 = FloatVector.fromByteBuffer(S, xs, at + 4 * V, ORDER);
        FloatVector d0 = FloatVector.fromByteBuffer(S, dys, at, ORDER);
        FloatVector d1 = FloatVector.fromByteBuffer(S, dys, at + 4 * V, ORDER);
        if (rectify) {
          d0 = zero.blend(d0, x0.sub(m).mul(k).add(t).compare(VectorOperators.GT, 0f));
          d1 = zero.blend(d1, x1.sub(m).mul(k).add(t).compare(VectorOperators.GT, 0f));
        }
        s0 = s0.add(d0);
        s1 = s1.add(d1);
        q0 = x0.fma(d0, q0);
        q1 = x1.fma(d1, q1);
      }
      if (i < end) {
        int at = from + 4 * V * i;
        FloatVector x0 = FloatVector.fromByteBuffer(S, xs, at, ORDER);
        FloatVector d0 = FloatVector.fromByteBuffer(S, dys, at, ORDER);
        if (rectify) {
          d0 = zero.blend(d0, x0.sub(m).mul(k).add(t).compare(VectorOperators.GT, 0f));
        }
        s0 = s0.add(d0);
        q0 = x0.fma(d0, q0);
      }
      FloatVector s = s0.add(s1);
      FloatVector q = q0.add(q1);
      sLow = sLow.add(s.convertShape(VectorOperators.F2D, D, 0));
      sHigh = sHigh.add(s.convertShape(VectorOperators.F2D, D, 1));
      qLow = qLow.add(q.convertShape(VectorOperators.F2D, D, 0));
      qHigh = qHigh.add(q.convertShape(VectorOperators.F2D, D, 1));
    }
    double[] lanes = new double[4 * D.length()];
    sLow.intoArray(lanes, 0);
    sHigh.intoArray(lanes, D.length());
    qLow.intoArray(lanes, 2 * D.length());
    qHigh.intoArray(lanes, 3 * D.length());
    for (int l = 0; l < V; l++) {
      run[2 * (block * V + l)] += lanes[l];
      run[2 * (block * V + l) + 1] += lanes[V + l];
    }
  }

  /** One sample's block {@code block} of dx = a·dy + b·x + c, dy gated as in {@link #addBlockProductSums}. */
  private static void writeBlockGradient(ByteBuffer xs, ByteBuffer dys, ByteBuffer dxs, int from, int plane,
      boolean rectify, float[] mean, float[] scale, float[] shift, float[][] abc, int block) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector m = FloatVector.fromArray(S, mean, block * V);
    FloatVector k = FloatVector.fromArray(S, scale, block * V);
    FloatVector t = FloatVector.fromArray(S, shift, block * V);
    FloatVector a = FloatVector.fromArray(S, abc[0], block * V);
    FloatVector b = FloatVector.fromArray(S, abc[1], block * V);
    FloatVector c = FloatVector.fromArray(S, abc[2], block * V);
    for (int at = from, end = from + 4 * V * plane; at < end; at += 4 * V) {
      FloatVector x = FloatVector.fromByteBuffer(S, xs, at, ORDER);
      FloatVector d = FloatVector.fromByteBuffer(S, dys, at, ORDER);
      if (rectify) {
        d = zero.blend(d, x.sub(m).mul(k).add(t).compare(VectorOperators.GT, 0f));
      }
      d.mul(a).add(x.mul(b)).add(c).intoByteBuffer(dxs, at, ORDER);
    }
  }

  /** The coefficients a, b, c of every channel's dx = a·dy + b·x + c, as three arrays (lanes of {@link #writeBlockGradient}). */
  private static float[][] laneCoefficients(BatchNormBackward.Channel[] channels) {
    float[][] abc = new float[3][channels.length];
    for (int ch = 0; ch < channels.length; ch++) {
      abc[0][ch] = channels[ch].a();
      abc[1][ch] = channels[ch].b();
      abc[2][ch] = channels[ch].c();
    }
    return abc;
  }

  /**
   * Whether this batch goes to the vector kernels: planes at least a vector wide in NCHW, and
   * channel blocks as wide as a vector in {@link ActivationLayout#CHANNEL_BLOCKS}.
   */
  private boolean vectorised(ChannelPlanes xs) {
    return xs.layout() == ActivationLayout.CHANNEL_BLOCKS ? runsChannelBlocks() : xs.plane() >= V;
  }

  /** Where ReLU let y = (x − μ)·scale + β through: y &gt; 0 (−0, +0 and NaN close it, as {@link ReluGate}'s does for ±0). */
  private static VectorMask<Float> open(FloatVector x, float mean, float scale, float shift) {
    return x.sub(mean).mul(scale).add(shift).compare(VectorOperators.GT, 0f);
  }

  private static float gated(float dy, float x, boolean rectify, float mean, float scale, float shift) {
    return rectify ? ReluGate.ifPositive(dy, (x - mean) * scale + shift) : dy;
  }

  private static float[] scales(float[] gamma, float[] variance, double eps) {
    float[] scales = new float[gamma.length];
    for (int ch = 0; ch < scales.length; ch++) {
      scales[ch] = BatchNormForward.scale(gamma[ch], variance[ch], eps);
    }
    return scales;
  }

  /** One sample's planes, within a run of samples that {@code run} accumulates into. */
  private interface SampleKernel {
    void add(double[] run, int sample);
  }

  /**
   * Per-channel pairs of sums (2·C doubles) over the whole batch: each run of samples fills its
   * own array, and the runs' arrays add up in run order, so the totals do not depend on which
   * thread ran which run.
   */
  private static double[] sumPerChannel(ChannelPlanes xs, SampleKernel kernel) {
    int runs = runs(xs.samples());
    double[][] perRun = new double[runs][2 * xs.channels()];
    IntStream.range(0, runs).parallel().forEach(r -> {
      for (int i = first(xs.samples(), runs, r), end = first(xs.samples(), runs, r + 1); i < end; i++) {
        kernel.add(perRun[r], i);
      }
    });
    double[] total = new double[2 * xs.channels()];
    for (double[] run : perRun) {
      for (int k = 0; k < total.length; k++) {
        total[k] += run[k];
      }
    }
    return total;
  }

  private static void forEachSample(int samples, IntConsumer body) {
    int runs = runs(samples);
    IntStream.range(0, runs).parallel().forEach(r -> {
      for (int i = first(samples, runs, r), end = first(samples, runs, r + 1); i < end; i++) {
        body.accept(i);
      }
    });
  }

  /**
   * A fixed number of runs, not one per core: the order in which runs' sums add up, and so the
   * last bits of the moments and gradients, is then the same on every machine.
   */
  private static int runs(int samples) {
    return Math.max(1, Math.min(samples, RUNS));
  }

  private static int first(int samples, int runs, int run) {
    return (int) ((long) samples * run / runs);
  }
}
