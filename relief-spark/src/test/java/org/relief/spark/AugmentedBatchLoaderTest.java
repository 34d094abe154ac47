package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.data.CropFlip;

/** Spark workers augment each exported minibatch as local training does: seeded, labels untouched. */
class AugmentedBatchLoaderTest {
  @TempDir Path tmp;

  private static final int VOLUME = 3 * 8 * 8;

  private Source batchFile() throws IOException {
    float[] features = new float[4 * VOLUME];
    for (int k = 0; k < features.length; k++) {
      features[k] = (k * 7919 % 1000) / 1000f; // no two neighbours alike
    }
    DataSet batch = new DataSet(Nd4j.create(features, new long[] {4, 3, 8, 8}, 'c'), Nd4j.eye(4));
    Path file = tmp.resolve("batch-00017.bin");
    batch.save(file.toFile());
    return new Source() {
      @Override
      public InputStream getInputStream() throws IOException {
        return Files.newInputStream(file);
      }

      @Override
      public String getPath() {
        return file.toString();
      }
    };
  }

  private static float[] load(CropFlip augmentation, long seed, Source file) throws IOException {
    return new AugmentedBatchLoader(augmentation, seed).load(file).getFeatures().dup('c').data().asFloat();
  }

  private static Float[] box(float[] values) {
    Float[] out = new Float[values.length];
    for (int k = 0; k < values.length; k++) {
      out[k] = values[k];
    }
    return out;
  }

  @Test
  void theSameEpochSeesTheSameImagesAndAnotherEpochOthers() throws IOException {
    Source file = batchFile();
    CropFlip cropFlip = new CropFlip(3, 8, 8, 2, new float[] {-1f, -2f, -3f});

    float[] first = load(cropFlip, AugmentedBatchLoader.seed(5, "retrain-1", 1), file);
    float[] again = load(cropFlip, AugmentedBatchLoader.seed(5, "retrain-1", 1), file);
    float[] next = load(cropFlip, AugmentedBatchLoader.seed(5, "retrain-1", 2), file);

    assertArrayEquals(first, again);
    assertFalse(Arrays.equals(first, next));
    assertTrue(Arrays.asList(box(first)).contains(-1f), "shifted images are padded with the channel's pad value");
    DataSet loaded = new AugmentedBatchLoader(cropFlip, 1).load(file);
    assertEquals(Nd4j.eye(4), loaded.getLabels(), "labels are not augmented");
  }

  @Test
  void withoutPaddingEachImageIsItselfOrItsMirror() throws IOException {
    Source file = batchFile();
    float[] plain = load(new CropFlip(3, 8, 8, 0, new float[3]), 0, file);
    float[] original = new float[4 * VOLUME];
    for (int k = 0; k < original.length; k++) {
      original[k] = (k * 7919 % 1000) / 1000f;
    }
    for (int r = 0; r < 4; r++) {
      float[] got = Arrays.copyOfRange(plain, r * VOLUME, (r + 1) * VOLUME);
      float[] same = Arrays.copyOfRange(original, r * VOLUME, (r + 1) * VOLUME);
      float[] mirror = new float[VOLUME];
      for (int k = 0; k < VOLUME; k++) {
        mirror[k] = same[(k / 8) * 8 + 7 - k % 8];
      }
      assertTrue(Arrays.equals(got, same) || Arrays.equals(got, mirror), "image " + r);
    }
  }
}
