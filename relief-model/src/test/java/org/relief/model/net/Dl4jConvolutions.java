package org.relief.model.net;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(Dl4jConvolutions.class)}: networks built to train keep DL4J's convolution
 * kernels during each test ({@code -Drelief.onednn=false}) instead of Relief's own oneDNN
 * primitives, for tests that need bitwise DL4J arithmetic on both sides of a comparison.
 */
final class Dl4jConvolutions implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    System.setProperty(OneDnn.PROPERTY, "false");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.clearProperty(OneDnn.PROPERTY);
  }
}
