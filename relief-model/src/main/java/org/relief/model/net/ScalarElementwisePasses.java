package org.relief.model.net;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ElementwisePasses} in plain Java: blocks of values copied to the heap ({@link
 * ValueBlocks}), where C2 vectorises the loops.
 */
final class ScalarElementwisePasses implements ElementwisePasses {

  @Override
  public void gate(INDArray z, INDArray values, INDArray out) {
    FloatBuffer pre = ChannelPlanes.of(z).values();
    FloatBuffer in = values == null ? pre : ChannelPlanes.of(values).values();
    FloatBuffer to = ChannelPlanes.target(out).values();
    ValueBlocks.forEach(out.length(), (from, count, zs, vs) -> {
      pre.get(from, zs, 0, count);
      float[] gated = values == null ? zs : vs;
      if (values != null) {
        in.get(from, vs, 0, count);
      }
      for (int i = 0; i < count; i++) {
        gated[i] = ReluGate.ifPositive(gated[i], zs[i]);
      }
      to.put(from, gated, 0, count);
    });
  }

  @Override
  public void addAndRectify(INDArray a, INDArray b, INDArray out) {
    FloatBuffer as = ChannelPlanes.of(a).values();
    FloatBuffer bs = ChannelPlanes.of(b).values();
    FloatBuffer to = ChannelPlanes.target(out).values();
    ValueBlocks.forEach(out.length(), (from, count, x, y) -> {
      as.get(from, x, 0, count);
      bs.get(from, y, 0, count);
      for (int i = 0; i < count; i++) {
        x[i] = Math.max(0f, x[i] + y[i]);
      }
      to.put(from, x, 0, count);
    });
  }
}
