package org.nd4j.nativeblas;

/**
 * Lets DL4J 1.0.0-M2 find out that oneDNN is there. Its {@code BaseMKLDNNHelper.mklDnnEnabled()}
 * looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} and calls {@code isUseMKLDNN()} by
 * reflection, names from before ND4J moved the bindings to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings} and renamed the method {@code isUseONEDNN()};
 * the lookup fails, the error is swallowed and every oneDNN layer helper is dropped (conv
 * training ~5× slower; ../shared/STACK.md). This class answers the old names with the new ones.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The old name of ND4J's native environment. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** True when the loaded libnd4j was built with oneDNN and uses it. */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
