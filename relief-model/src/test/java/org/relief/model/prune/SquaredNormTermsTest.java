package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.net.PrunableLayer;

/**
 * Both factorisations of ‖|K| ⋆ |x|‖² give the squared norm of the correlation computed
 * directly, at every stride and padding, and each layer gets the form with fewer terms.
 */
class SquaredNormTermsTest {

  @ParameterizedTest(name = "{0}x{0} kernel, stride {1}, pad {2}, {3}x{3} map: {4}")
  @CsvSource({
      "3, 1, 1, 2, PixelPairs", // VGG's last convolutions
      "3, 2, 1, 2, PixelPairs",
      "5, 1, 2, 2, PixelPairs",
      "3, 1, 1, 3, ShiftGrams", // as many pixels as weights: the Gram form is no longer
      "3, 1, 1, 4, ShiftGrams", // VGG's 4×4 convolutions
      "3, 1, 1, 32, ShiftGrams", // ResNet's first stage
      "3, 1, 1, 9, ShiftGrams", // an inner piece of odd width: pixel pairs, then its last column
      "3, 1, 0, 5, ShiftGrams",
      "3, 1, 2, 4, ShiftGrams", // wider than the kernel: kernel rows that see the map's far edge only
      "3, 2, 1, 8, ShiftGrams", // ResNet's downsampling convolutions
      "3, 2, 1, 32, ShiftGrams",
      "3, 2, 0, 5, ShiftGrams",
      "3, 3, 1, 7, ShiftGrams",
      "3, 2, 2, 6, ShiftGrams",
      "5, 1, 0, 12, PatchGrams"}) // LeNet-5's conv2
  void eitherFormIsTheSquaredNormOfTheCorrelation(int k, int stride, int pad, int size, String form) {
    PrunableLayer layer = TinyLayers.conv("c", 1, 1, k, stride, pad, size);
    SquaredNormTerms terms = SquaredNormTerms.of(layer);
    assertEquals(form, terms.getClass().getSimpleName());

    int plane = size * size;
    int samples = 37; // two full blocks of 16 lanes and part of a third
    float[] maps = new float[samples * plane];
    Random random = new Random(7);
    for (int v = 0; v < maps.length; v++) {
      maps[v] = (float) random.nextGaussian(); // signs too: the terms must take |x|
    }
    float[] kernel = new float[k * k];
    for (int a = 0; a < kernel.length; a++) {
      kernel[a] = (float) random.nextGaussian();
    }
    float[] w = new float[terms.count()];
    terms.kernelTerms(kernel, 0, w, 0);
    SquaredNormTerms.Lanes lanes = terms.newLanes(40);
    long[] planes = new long[samples];
    for (int n = 0; n < samples; n++) {
      planes[n] = (long) n * plane;
    }
    lanes.compute(FloatBuffer.wrap(maps), planes, samples);

    for (int n = 0; n < samples; n++) {
      double viaTerms = 0;
      for (int q = 0; q < w.length; q++) {
        viaTerms += (double) w[q] * lanes.terms()[q * lanes.stride() + n];
      }
      int sample = n;
      double direct = DirectCorrelation.squaredNorm(layer, (u, v) -> kernel[u * k + v],
          (h, x) -> maps[sample * plane + h * size + x]);
      assertEquals(direct, viaTerms, 1e-5 * direct, form + ", sample " + n);
    }
  }

  /** The build's test JVMs get {@code --add-modules=jdk.incubator.vector}, as the launchers' JVMs do. */
  @Test
  void theVectorShiftSumsAreWhatThisJvmUses() {
    assertInstanceOf(VectorShiftSums.class, ShiftSums.fastest());
  }

  /** Shifted-product Grams on either kernel, bit for bit, so a JVM without the Vector API selects the same masks. */
  @ParameterizedTest(name = "{0}x{0} map, pad {1}, stride {2}")
  @CsvSource({"32, 1, 1", "9, 1, 1", "8, 1, 1", "5, 0, 1", "3, 2, 1", "32, 1, 2", "7, 1, 3"})
  void shiftGramsAreTheSameOnEitherKernel(int size, int pad, int stride) {
    PrunableLayer layer = TinyLayers.conv("c", 1, 1, 3, stride, pad, size);
    int plane = size * size;
    int samples = 21;
    float[] maps = new float[samples * plane];
    Random random = new Random(size * 31 + pad);
    for (int v = 0; v < maps.length; v++) {
      maps[v] = (float) random.nextGaussian();
    }
    long[] planes = new long[samples];
    for (int n = 0; n < samples; n++) {
      planes[n] = (long) n * plane;
    }
    SquaredNormTerms.Lanes scalar = new ShiftGrams(layer, new ScalarShiftSums()).newLanes(32);
    SquaredNormTerms.Lanes vector = new ShiftGrams(layer, ShiftSums.fastest()).newLanes(32);
    scalar.compute(FloatBuffer.wrap(maps), planes, samples);
    vector.compute(FloatBuffer.wrap(maps), planes, samples);
    assertEquals(scalar.stride(), vector.stride());
    int row = scalar.stride();
    for (int q = 0; q < 45; q++) {
      assertArrayEquals(Arrays.copyOfRange(scalar.terms(), q * row, q * row + samples),
          Arrays.copyOfRange(vector.terms(), q * row, q * row + samples), "entry " + q);
    }
  }
}
