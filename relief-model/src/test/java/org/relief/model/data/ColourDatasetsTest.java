package org.relief.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.ReliefInputException;

/** CIFAR-10/100 binary and Tiny-ImageNet's folder layout, round trips and broken files. */
class ColourDatasetsTest {
  @TempDir Path tmp;

  @Test
  void cifar10RoundTrip() throws Exception {
    Path dir = GeneratedDatasets.cifar10(tmp.resolve("c10"), 4, 3, 1);
    TrainTest data = DatasetKind.CIFAR10.load(dir.toString());
    assertEquals(20, data.train().size());
    assertEquals(3, data.test().size());
    assertEquals(3, data.train().channels());
    byte[] first = Arrays.copyOfRange(Files.readAllBytes(dir.resolve("data_batch_1.bin")), 0, 3073);
    assertEquals(Byte.toUnsignedInt(first[0]), data.train().label(0));
    assertEquals(Byte.toUnsignedInt(first[1]), data.train().pixel(0, 0));
    float expected = (Byte.toUnsignedInt(first[1 + 1024]) / 255f - 0.456f) / 0.224f; // green plane, normalised
    assertEquals(expected, data.train().features(new int[] {0}, 1, 3, 32, 32).getFloat(0, 1, 0, 0), 1e-6);
  }

  @Test
  void cifar100ReadsFineOrCoarseLabels() throws Exception {
    Path dir = GeneratedDatasets.cifar100(tmp.resolve("c100"), 30, 5, 2);
    byte[] raw = Files.readAllBytes(dir.resolve("train.bin"));
    TrainTest fine = DatasetKind.CIFAR100.load(dir.toString());
    TrainTest coarse = DatasetKind.CIFAR100_COARSE.load(dir.toString());
    assertEquals(100, fine.train().classes());
    assertEquals(20, coarse.train().classes());
    assertEquals(Byte.toUnsignedInt(raw[1]), fine.train().label(0));
    assertEquals(Byte.toUnsignedInt(raw[0]), coarse.train().label(0));
    assertEquals(Byte.toUnsignedInt(raw[3074 + 2]), fine.train().pixel(1, 0), "the pixels start after both label bytes");
  }

  @Test
  void tinyImageNetRoundTrip() throws Exception {
    Path dir = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny"), 3, 4, 3);
    TrainTest data = DatasetKind.TINY_IMAGENET.load(dir.toString());
    assertEquals(12, data.train().size());
    assertEquals(12, data.test().size());
    assertEquals(200, data.train().classes(), "labels index the full 200 wnids of a real tree; here 3 are used");
    assertEquals(64, data.train().height());
    for (int i = 0; i < 12; i++) {
      int label = data.train().label(i);
      int[] colour = GeneratedDatasets.colour(label);
      assertEquals(colour[0], data.train().pixel(i, 64 * 32 + 32), 12, "JPEG keeps the class colour (red)");
      assertEquals(colour[2], data.train().pixel(i, 2 * 4096 + 64 * 32 + 32), 12, "(blue)");
    }
    assertEquals(0, data.train().label(0));
    assertEquals(2, data.train().label(11));
  }

  @Test
  void augmentationIsSeededAndKeepsTheImageWhenNotMoved() throws Exception {
    TrainTest data = DatasetKind.CIFAR10.load(GeneratedDatasets.cifar10(tmp.resolve("c"), 2, 2, 4).toString());
    int[] idx = {0, 1, 2, 3};
    float[] a = data.train().augmentedFeatures(idx, new SplittableRandom(5), 4, 4, 3, 32, 32).reshape(-1).toFloatVector();
    float[] b = data.train().augmentedFeatures(idx, new SplittableRandom(5), 4, 4, 3, 32, 32).reshape(-1).toFloatVector();
    float[] c = data.train().augmentedFeatures(idx, new SplittableRandom(6), 4, 4, 3, 32, 32).reshape(-1).toFloatVector();
    assertArrayEquals(a, b, "same seed, same batch");
    assertNotEquals(Arrays.hashCode(a), Arrays.hashCode(c));
    float[] none = data.train().augmentedFeatures(idx, new SplittableRandom(5), 0, 4, 3, 32, 32).reshape(-1).toFloatVector();
    float[] plain = data.train().features(idx, 4, 3, 32, 32).reshape(-1).toFloatVector();
    for (int r = 0; r < 4; r++) { // without padding an example is either itself or its mirror image
      float[] got = Arrays.copyOfRange(none, r * 3072, (r + 1) * 3072);
      float[] same = Arrays.copyOfRange(plain, r * 3072, (r + 1) * 3072);
      float[] mirror = new float[3072];
      for (int k = 0; k < 3072; k++) {
        mirror[k] = same[(k / 32) * 32 + 31 - k % 32];
      }
      assertTrue(Arrays.equals(got, same) || Arrays.equals(got, mirror), "example " + r);
    }
  }

  @Test
  void aCifarFileThatIsNotWholeRecordsIsNamed() throws Exception {
    Path dir = GeneratedDatasets.cifar10(tmp.resolve("c"), 2, 2, 1);
    byte[] b = Files.readAllBytes(dir.resolve("data_batch_3.bin"));
    Files.write(dir.resolve("data_batch_3.bin"), Arrays.copyOf(b, b.length - 100));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> DatasetKind.CIFAR10.load(dir.toString()));
    assertTrue(e.getMessage().contains("data_batch_3.bin") && e.getMessage().contains("whole number"), e.getMessage());
  }

  @Test
  void aLabelOutOfRangeIsNamed() throws Exception {
    Path dir = GeneratedDatasets.cifar100(tmp.resolve("c"), 4, 2, 1);
    byte[] b = Files.readAllBytes(dir.resolve("test.bin"));
    b[3074 + 1] = (byte) 100; // the second record's fine label
    Files.write(dir.resolve("test.bin"), b);
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> DatasetKind.CIFAR100.load(dir.toString()));
    assertTrue(e.getMessage().contains("test.bin") && e.getMessage().contains("record 1") && e.getMessage().contains("100"),
        e.getMessage());
  }

  @Test
  void aMissingWnidFolderOrACorruptJpegIsNamed() throws Exception {
    Path dir = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny"), 2, 2, 1);
    Path jpeg = dir.resolve("train/n00001007/images/n00001007_1.JPEG");
    Files.write(jpeg, Arrays.copyOf(Files.readAllBytes(jpeg), 40));
    ReliefInputException corrupt = assertThrows(ReliefInputException.class,
        () -> DatasetKind.TINY_IMAGENET.load(dir.toString()));
    assertTrue(corrupt.getMessage().contains("n00001007_1.JPEG"), corrupt.getMessage());

    Files.writeString(dir.resolve("wnids.txt"), "n00001000\nn00001007\nn09999999\n");
    Path fresh = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny2"), 2, 2, 1);
    Files.writeString(fresh.resolve("wnids.txt"), "n00001000\nn00001007\nn09999999\n");
    ReliefInputException missing = assertThrows(ReliefInputException.class,
        () -> DatasetKind.TINY_IMAGENET.load(fresh.toString()));
    assertTrue(missing.getMessage().contains("n09999999") && missing.getMessage().contains("not found"),
        missing.getMessage());
  }
}
