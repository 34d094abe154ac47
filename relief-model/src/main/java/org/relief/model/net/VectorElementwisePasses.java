package org.relief.model.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ElementwisePasses} on the JDK's Vector API: the native buffers loaded and stored in place,
 * a few runs of whole vectors per core in parallel. The plain-Java passes copy blocks to the heap
 * and back; these are ~1.6× (add) and ~1.8× (gate) faster on ResNet-20's largest batches
 * (docs/BENCHMARKS.md). The gate is {@link ReluGate}'s integer form, lane by lane, so the bits
 * are the plain-Java passes'. Only {@link ElementwisePasses.Choice} names this class, by
 * reflection, when the incubator module is in the boot layer.
 */
final class VectorElementwisePasses implements ElementwisePasses {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int V = S.length();
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  /** Runs a pass splits a batch into (several per core on small machines, for balance). */
  private static final int RUNS = 8;

  @Override
  public void gate(INDArray z, INDArray values, INDArray out) {
    ByteBuffer zs = ChannelPlanes.of(z).bytes();
    ByteBuffer vs = values == null ? zs : ChannelPlanes.of(values).bytes();
    ByteBuffer to = ChannelPlanes.target(out).bytes();
    forEachRun(Math.toIntExact(out.length()), (from, end) -> gate(zs, vs, to, from, end));
  }

  @Override
  public void addAndRectify(INDArray a, INDArray b, INDArray out) {
    ByteBuffer as = ChannelPlanes.of(a).bytes();
    ByteBuffer bs = ChannelPlanes.of(b).bytes();
    ByteBuffer to = ChannelPlanes.target(out).bytes();
    forEachRun(Math.toIntExact(out.length()), (from, end) -> addAndRectify(as, bs, to, from, end));
  }

  private static void gate(ByteBuffer zs, ByteBuffer vs, ByteBuffer to, int from, int end) {
    int p = from;
    for (; p + V <= end; p += V) {
      IntVector bits = FloatVector.fromByteBuffer(S, zs, 4 * p, ORDER).reinterpretAsInts();
      // ReluGate: all ones where z > 0 (sign bit clear and not +0), zero elsewhere
      IntVector keep = bits.neg().and(bits.not()).lanewise(VectorOperators.ASHR, 31);
      FloatVector.fromByteBuffer(S, vs, 4 * p, ORDER).reinterpretAsInts().and(keep).reinterpretAsFloats()
          .intoByteBuffer(to, 4 * p, ORDER);
    }
    for (; p < end; p++) {
      to.putFloat(4 * p, ReluGate.ifPositive(vs.getFloat(4 * p), zs.getFloat(4 * p)));
    }
  }

  private static void addAndRectify(ByteBuffer as, ByteBuffer bs, ByteBuffer to, int from, int end) {
    FloatVector zero = FloatVector.zero(S);
    int p = from;
    for (; p + V <= end; p += V) {
      FloatVector.fromByteBuffer(S, as, 4 * p, ORDER).add(FloatVector.fromByteBuffer(S, bs, 4 * p, ORDER)).max(zero)
          .intoByteBuffer(to, 4 * p, ORDER);
    }
    for (; p < end; p++) {
      to.putFloat(4 * p, Math.max(0f, as.getFloat(4 * p) + bs.getFloat(4 * p)));
    }
  }

  private interface Run {
    void apply(int from, int end);
  }

  /** Values [0, length) in {@link #RUNS} runs, in parallel, each starting on a whole vector. */
  private static void forEachRun(int length, Run run) {
    int runs = Math.max(1, Math.min(RUNS, length / V));
    IntStream.range(0, runs).parallel().forEach(r -> {
      int from = (int) ((long) length * r / runs) / V * V;
      int end = r == runs - 1 ? length : (int) ((long) length * (r + 1) / runs) / V * V;
      run.apply(from, end);
    });
  }
}
