package org.relief.model.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Small datasets written in exactly the distribution formats (no real CIFAR or Tiny-ImageNet is
 * reachable here). Each class has its own colour, with noise, so there is something to learn.
 */
public final class GeneratedDatasets {
  private GeneratedDatasets() {}

  static int[] colour(int label) {
    return new int[] {(label * 97 + 40) % 256, (label * 57 + 90) % 256, (label * 31 + 150) % 256};
  }

  /** One CIFAR record body: 3×32×32 bytes of the label's colour plus noise. */
  static byte[] image(int label, int side, Random random) {
    int[] c = colour(label);
    byte[] out = new byte[3 * side * side];
    for (int ch = 0; ch < 3; ch++) {
      for (int k = 0; k < side * side; k++) {
        out[ch * side * side + k] = (byte) Math.max(0, Math.min(255, c[ch] + random.nextInt(41) - 20));
      }
    }
    return out;
  }

  /** cifar-10-batches-bin with {@code perBatch} records in each of the five training batches and {@code test} test records. */
  public static Path cifar10(Path dir, int perBatch, int test, long seed) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    for (int b = 1; b <= 5; b++) {
      Files.write(dir.resolve("data_batch_" + b + ".bin"), cifarRecords(perBatch, 10, 1, random));
    }
    Files.write(dir.resolve("test_batch.bin"), cifarRecords(test, 10, 1, random));
    return dir;
  }

  /** cifar-100-binary with {@code train} and {@code test} records (coarse label = fine / 5). */
  public static Path cifar100(Path dir, int train, int test, long seed) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    Files.write(dir.resolve("train.bin"), cifarRecords(train, 100, 2, random));
    Files.write(dir.resolve("test.bin"), cifarRecords(test, 100, 2, random));
    return dir;
  }

  static byte[] cifarRecords(int n, int classes, int labelBytes, Random random) {
    int record = labelBytes + 3072;
    byte[] out = new byte[n * record];
    for (int r = 0; r < n; r++) {
      int label = random.nextInt(classes);
      if (labelBytes == 2) {
        out[r * record] = (byte) (label / 5);
        out[r * record + 1] = (byte) label;
      } else {
        out[r * record] = (byte) label;
      }
      System.arraycopy(image(label, 32, random), 0, out, r * record + labelBytes, 3072);
    }
    return out;
  }

  /** tiny-imagenet-200 with {@code classes} wnids, {@code perClass} training and validation JPEGs each. */
  public static Path tinyImageNet(Path dir, int classes, int perClass, long seed) throws IOException {
    Random random = new Random(seed);
    List<String> wnids = new ArrayList<>();
    List<String> annotations = new ArrayList<>();
    Files.createDirectories(dir.resolve("val/images"));
    for (int c = 0; c < classes; c++) {
      String wnid = String.format("n%08d", 1000 + c * 7);
      wnids.add(wnid);
      Path images = Files.createDirectories(dir.resolve("train/" + wnid + "/images"));
      for (int i = 0; i < perClass; i++) {
        jpeg(images.resolve(wnid + "_" + i + ".JPEG"), c, random);
        String val = "val_" + (c * perClass + i) + ".JPEG";
        jpeg(dir.resolve("val/images/" + val), c, random);
        annotations.add(val + "\t" + wnid + "\t0\t0\t63\t63");
      }
    }
    Files.write(dir.resolve("wnids.txt"), wnids);
    Files.write(dir.resolve("val/val_annotations.txt"), annotations);
    return dir;
  }

  static void jpeg(Path file, int label, Random random) throws IOException {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    int[] c = colour(label);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int jitter = random.nextInt(9) - 4;
        int r = Math.max(0, Math.min(255, c[0] + jitter));
        int g = Math.max(0, Math.min(255, c[1] + jitter));
        int b = Math.max(0, Math.min(255, c[2] + jitter));
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    if (!ImageIO.write(image, "jpg", file.toFile())) {
      throw new IOException("no JPEG writer");
    }
  }
}
