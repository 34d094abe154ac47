package org.relief.model.prune;

import org.relief.model.config.Identified;

/**
 * How a convolution connection (a kernel slice {@code K_ji}) is scored (DESIGN.md
 * "Convolution"). Dense layers always use {@code |W_ji|·mean_n|x_ni|}, which all three
 * variants reduce to on a 1×1 map.
 */
public enum ConvScore implements Identified {
  /** The paper's definition: {@code mean_n ‖ |K_ji| ⋆ |x_ni| ‖_F}; bias {@code |b_j|·√(Ho·Wo)}. */
  FROBENIUS("frobenius"),
  /** The reference code's LeNet-5 variant: sum over output positions of {@code |K_ji| ⋆ mean_n|x_ni|}; bias {@code |b_j|·Ho·Wo}. */
  SUM("sum"),
  /** The reference code's VGG/ResNet variant: L2 norm over positions of {@code |K_ji| ⋆ mean_n|x_ni|}; bias {@code |b_j|·√(Ho·Wo)}. */
  MEAN_L2("mean-l2");

  private final String id;

  ConvScore(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  /** True if the variant needs per-sample norms, i.e. cannot be computed from mean |x| alone. */
  public boolean needsPerSampleNorms() {
    return this == FROBENIUS;
  }

  public static ConvScore fromId(String id) {
    return Identified.parse(values(), id, "convolution score");
  }

  @Override
  public String toString() {
    return id;
  }
}
