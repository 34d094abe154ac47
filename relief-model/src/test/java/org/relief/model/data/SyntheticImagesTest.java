package org.relief.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Benchmark stand-in images: the dataset's shape and normalisation, seeded, and learnable. */
class SyntheticImagesTest {
  @Test
  void haveTheDatasetsShapeAndAreTheSameForTheSameSeed() {
    TrainTest a = SyntheticImages.of(DatasetKind.TINY_IMAGENET, 30, 10, 7);
    TrainTest b = SyntheticImages.of(DatasetKind.TINY_IMAGENET, 30, 10, 7);
    assertEquals(30, a.train().size());
    assertEquals(10, a.test().size());
    assertEquals(3, a.train().channels());
    assertEquals(64, a.train().height());
    assertEquals(200, a.train().classes());
    assertEquals(a.train().fingerprint(), b.train().fingerprint());
    assertTrue(!a.train().fingerprint().equals(SyntheticImages.of(DatasetKind.TINY_IMAGENET, 30, 10, 8).train().fingerprint()));
  }

  @Test
  void areNormalisedLikeTheRealDataset() {
    ImageDataset train = SyntheticImages.of(DatasetKind.CIFAR10, 200, 1, 3).train();
    INDArray x = train.features(train.allIndices(), 200, 3, 32, 32);
    // (p/255 - 0.485)/0.229 over pixels spread over [0, 255]: negative and positive values, mean near 0
    assertTrue(x.minNumber().doubleValue() < -1.5 && x.maxNumber().doubleValue() > 1.5);
    assertEquals(0.0, x.meanNumber().doubleValue(), 0.5);
  }

  @Test
  void imagesOfOneClassAreCloserToEachOtherThanToAnotherClass() {
    ImageDataset train = SyntheticImages.of(DatasetKind.CIFAR10, 400, 1, 11).train();
    int a = -1;
    int a2 = -1;
    int b = -1;
    for (int i = 0; i < train.size(); i++) {
      if (train.label(i) == 0 && a < 0) {
        a = i;
      } else if (train.label(i) == 0 && a2 < 0) {
        a2 = i;
      } else if (train.label(i) == 1 && b < 0) {
        b = i;
      }
    }
    assertTrue(distance(train, a, a2) < distance(train, a, b) / 2, "a class is its pattern plus noise");
    assertArrayEquals(new int[] {3, 32, 32}, new int[] {train.channels(), train.height(), train.width()});
  }

  private static double distance(ImageDataset d, int i, int j) {
    double sum = 0;
    for (int k = 0; k < d.volume(); k++) {
      double diff = d.pixel(i, k) - d.pixel(j, k);
      sum += diff * diff;
    }
    return Math.sqrt(sum);
  }
}
