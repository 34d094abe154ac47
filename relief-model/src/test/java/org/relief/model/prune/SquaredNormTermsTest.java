package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.Random;
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
      "3, 1, 1, 3, PatchGrams", // as many pixels as weights: the Gram form is no longer
      "3, 1, 1, 4, PatchGrams", // VGG's 4×4 convolutions
      "3, 2, 1, 8, PatchGrams", // ResNet's downsampling convolutions
      "3, 2, 0, 5, PatchGrams",
      "5, 1, 0, 12, PatchGrams"}) // LeNet-5's conv2
  void eitherFormIsTheSquaredNormOfTheCorrelation(int k, int stride, int pad, int size, String form) {
    PrunableLayer layer = TinyLayers.conv("c", 1, 1, k, stride, pad, size);
    SquaredNormTerms terms = SquaredNormTerms.of(layer);
    assertEquals(form, terms.getClass().getSimpleName());

    int plane = size * size;
    int samples = 3;
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
    SquaredNormTerms.Lanes lanes = terms.newLanes(4);
    lanes.compute(FloatBuffer.wrap(maps), new long[] {0, plane, 2L * plane}, samples);

    for (int n = 0; n < samples; n++) {
      double viaTerms = 0;
      for (int q = 0; q < w.length; q++) {
        viaTerms += (double) w[q] * lanes.terms()[q][n];
      }
      int sample = n;
      double direct = DirectCorrelation.squaredNorm(layer, (u, v) -> kernel[u * k + v],
          (h, x) -> maps[sample * plane + h * size + x]);
      assertEquals(direct, viaTerms, 1e-5 * direct, form + ", sample " + n);
    }
  }
}
