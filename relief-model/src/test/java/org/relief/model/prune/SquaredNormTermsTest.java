package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PrunableLayer;
import org.relief.model.net.ReliefNetwork;

/** Both factorisations of ‖|K| ⋆ |x|‖² give the squared norm of the correlation computed directly. */
class SquaredNormTermsTest {

  @ParameterizedTest
  @CsvSource({"vgg-like, features.40, PixelPairs", "vgg-like, features.30, PatchGrams", "resnet20, layer3.0.conv1, PatchGrams"})
  void eitherFormIsTheSquaredNormOfTheCorrelation(String architecture, String layerName, String form) {
    ReliefNetwork network = new NetworkSpec(Architecture.fromId(architecture), 3, 32, 32, 10, 5).build();
    PrunableLayer layer = network.topology().layer(layerName);
    SquaredNormTerms terms = SquaredNormTerms.of(layer);
    assertEquals(form, terms.getClass().getSimpleName());

    int plane = layer.inH() * layer.inW();
    int samples = 3;
    float[] maps = new float[samples * plane];
    Random random = new Random(7);
    for (int k = 0; k < maps.length; k++) {
      maps[k] = (float) random.nextGaussian(); // signs too: the terms must take |x|
    }
    float[] kernel = new float[layer.weightsPerConnection()];
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
      double direct = 0;
      for (int oh = 0; oh < layer.outH(); oh++) {
        for (int ow = 0; ow < layer.outW(); ow++) {
          double c = 0;
          for (int u = 0; u < layer.kernelH(); u++) {
            for (int v = 0; v < layer.kernelW(); v++) {
              int h = oh * layer.strideH() + u - layer.padH();
              int x = ow * layer.strideW() + v - layer.padW();
              if (h >= 0 && h < layer.inH() && x >= 0 && x < layer.inW()) {
                c += Math.abs(kernel[u * layer.kernelW() + v]) * Math.abs(maps[n * plane + h * layer.inW() + x]);
              }
            }
          }
          direct += c * c;
        }
      }
      assertEquals(direct, viaTerms, 1e-5 * direct, form + ", sample " + n);
    }
  }
}
