package org.relief.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.ReliefInputException;

/** MNIST-format IDX directories, valid and broken. */
class IdxFileTest {
  @TempDir Path dir;

  static byte[] images(int count, int rows, int cols, int magic) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    for (int k = 0; k < count * rows * cols; k++) {
      out.writeByte(k % 256);
    }
    return bytes.toByteArray();
  }

  static byte[] labels(int count, int magic) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(magic);
    out.writeInt(count);
    for (int k = 0; k < count; k++) {
      out.writeByte(k % 10);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(raw);
    }
    return bytes.toByteArray();
  }

  /** Writes a complete MNIST-format directory: train has {@code n} images, t10k 3. */
  static void writeDataset(Path dir, int n, boolean gzipped) throws IOException {
    String ext = gzipped ? ".gz" : "";
    Files.write(dir.resolve("train-images-idx3-ubyte" + ext), maybeGzip(images(n, 28, 28, IdxFile.IMAGES_MAGIC), gzipped));
    Files.write(dir.resolve("train-labels-idx1-ubyte" + ext), maybeGzip(labels(n, IdxFile.LABELS_MAGIC), gzipped));
    Files.write(dir.resolve("t10k-images-idx3-ubyte" + ext), maybeGzip(images(3, 28, 28, IdxFile.IMAGES_MAGIC), gzipped));
    Files.write(dir.resolve("t10k-labels-idx1-ubyte" + ext), maybeGzip(labels(3, IdxFile.LABELS_MAGIC), gzipped));
  }

  private static byte[] maybeGzip(byte[] raw, boolean gz) throws IOException {
    return gz ? gzip(raw) : raw;
  }

  @Test
  void readsGzippedAndPlainFilesAlike() throws IOException {
    Path plain = Files.createDirectory(dir.resolve("plain"));
    Path gz = Files.createDirectory(dir.resolve("gz"));
    writeDataset(plain, 5, false);
    writeDataset(gz, 5, true);

    TrainTest a = MnistFormat.load(plain.toUri().toString(), "mnist");
    TrainTest b = MnistFormat.load(gz.toString(), "mnist");

    assertEquals(5, a.train().size());
    assertEquals(3, a.test().size());
    assertEquals(28, a.train().height());
    assertEquals(4, a.train().label(4));
    float[] fa = a.train().features(new int[] {0, 4}, 2, 784).reshape(-1).toFloatVector();
    float[] fb = b.train().features(new int[] {0, 4}, 2, 784).reshape(-1).toFloatVector();
    assertArrayEquals(fa, fb);
    assertEquals(1 / 255f, fa[1], 1e-7, "pixels scaled to [0, 1]");
    assertEquals((4 * 784 + 5) % 256 / 255f, fa[784 + 5], 1e-7);
  }

  @Test
  void aWrongMagicNumberNamesTheFile() throws IOException {
    writeDataset(dir, 4, false);
    Files.write(dir.resolve("train-images-idx3-ubyte"), images(4, 28, 28, 0x00000801));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> MnistFormat.load(dir.toString(), "mnist"));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte") && e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void aTruncatedFileIsRefusedPlainOrGzipped() throws IOException {
    byte[] full = images(4, 28, 28, IdxFile.IMAGES_MAGIC);
    writeDataset(dir, 4, false);
    Files.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 100));
    ReliefInputException plain = assertThrows(ReliefInputException.class, () -> MnistFormat.load(dir.toString(), "mnist"));
    assertTrue(plain.getMessage().contains("train-images-idx3-ubyte") && plain.getMessage().contains("truncated"),
        plain.getMessage());

    Files.delete(dir.resolve("train-images-idx3-ubyte"));
    byte[] gz = gzip(full);
    Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
    ReliefInputException gzipped = assertThrows(ReliefInputException.class, () -> MnistFormat.load(dir.toString(), "mnist"));
    assertTrue(gzipped.getMessage().contains("train-images-idx3-ubyte.gz") && gzipped.getMessage().contains("truncated"),
        gzipped.getMessage());
  }

  @Test
  void moreImagesThanLabelsIsRefusedNamingBothFiles() throws IOException {
    writeDataset(dir, 4, false);
    Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(3, IdxFile.LABELS_MAGIC));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> MnistFormat.load(dir.toString(), "mnist"));
    assertTrue(e.getMessage().contains("4 images") && e.getMessage().contains("3 labels"), e.getMessage());
  }

  @Test
  void trailingBytesAfterTheDeclaredDataAreRefused() throws IOException {
    writeDataset(dir, 4, false);
    byte[] ok = labels(4, IdxFile.LABELS_MAGIC);
    Files.write(dir.resolve("train-labels-idx1-ubyte"), Arrays.copyOf(ok, ok.length + 1));
    ReliefInputException e = assertThrows(ReliefInputException.class, () -> MnistFormat.load(dir.toString(), "mnist"));
    assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("longer"), e.getMessage());
  }

  @Test
  void aMissingDatasetSaysHowToGetFashionMnist() {
    ReliefInputException e = assertThrows(ReliefInputException.class,
        () -> MnistFormat.load(dir.resolve("nowhere").toString(), "fashion-mnist"));
    assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    assertTrue(e.getMessage().contains("dataset.path"), e.getMessage());
  }

  @Test
  void pruningSetSamplesAreSeededAndDistinct() {
    int[] a = PruningSet.sampleIndices(1000, 100, 42);
    assertArrayEquals(a, PruningSet.sampleIndices(1000, 100, 42));
    assertEquals(100, Arrays.stream(a).distinct().count());
    assertTrue(!Arrays.equals(a, PruningSet.sampleIndices(1000, 100, 43)));
    assertThrows(ReliefInputException.class, () -> PruningSet.sampleIndices(10, 11, 1));
  }
}
