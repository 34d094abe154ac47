package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A run's log line says what its convolutions train on. */
class NativeBackendTest {

  private static String describe(String id, int channels, int size) {
    return NativeBackend.describe(new NetworkSpec(Architecture.fromId(id), channels, size, size, 10, 1).build().dl4j());
  }

  @Test
  void saysWhatTheTrainingConvolutionsRunOn() {
    assertTrue(describe("lenet5", 1, 28).endsWith(" training-convolutions=ConvolutionPrimitives"),
        describe("lenet5", 1, 28));
    System.setProperty(OneDnn.PROPERTY, "false");
    try {
      assertTrue(describe("lenet5", 1, 28).endsWith(" training-convolutions=dl4j"));
    } finally {
      System.clearProperty(OneDnn.PROPERTY);
    }
    assertFalse(describe("lenet300-100", 1, 28).contains("training-convolutions"), "no convolutions, nothing to say");
  }
}
