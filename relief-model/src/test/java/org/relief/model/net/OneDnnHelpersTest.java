package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The default build trains convolutions with oneDNN; conformance can still ask for DL4J's own kernels. */
class OneDnnHelpersTest {
  private static ReliefNetwork lenet5() {
    return Architecture.LENET5.build(new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 0));
  }

  @Test
  void theDefaultNativesGiveConvolutionAndPoolingLayersOneDnnHelpers() {
    assertTrue(NativeBackend.variant().contains("onednn"), "default natives: " + NativeBackend.variant());
    String helpers = OneDnnHelpers.inUse(lenet5().dl4j());
    assertTrue(helpers.contains("MKLDNNConvHelper") && helpers.contains("MKLDNNSubsamplingHelper"), helpers);
  }

  @Test
  void withoutHelpersBuildsOnDl4jKernelsAndRestoresTheSetting() {
    String before = System.getProperty(OneDnnHelpers.PROPERTY);
    assertEquals("none", OneDnnHelpers.withoutHelpers(() -> OneDnnHelpers.inUse(lenet5().dl4j())));
    assertEquals(before, System.getProperty(OneDnnHelpers.PROPERTY));
  }

  @Test
  void aDenseNetworkHasNoHelpersToReport() {
    assertEquals("none", OneDnnHelpers.inUse(
        Architecture.LENET_300_100.build(new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 0)).dl4j()));
  }
}
