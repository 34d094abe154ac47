package org.relief.model.data;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.relief.model.ReliefInputException;
import org.relief.model.io.HadoopFiles;

/**
 * Tiny-ImageNet in its distribution layout ({@code tiny-imagenet-200}): {@code wnids.txt} (one
 * class id per line; a class's label is its line number), {@code train/<wnid>/images/*.JPEG},
 * and {@code val/images/*.JPEG} labelled by {@code val/val_annotations.txt} (file, wnid, box).
 * The official test images carry no labels, so the val split is the test split. JPEGs are
 * decoded with {@code javax.imageio} (no native library); grayscale images are replicated to
 * three channels; every image must be 64×64. Normalised as CIFAR (the reference's mean/std).
 * A missing wnid folder, an unreadable or corrupt JPEG, or a wrong size is an error naming the
 * file.
 */
public final class TinyImageNetFormat {
  static final int SIDE = 64;
  /** Classes of Tiny-ImageNet; a smaller tree (tests, subsets) uses the first labels. */
  static final int CLASSES = 200;

  private TinyImageNetFormat() {}

  public static TrainTest load(String dir) {
    Path root = HadoopFiles.path(dir);
    FileSystem fs = HadoopFiles.fileSystem(root);
    List<String> wnids = wnids(root);
    Map<String, Integer> label = new LinkedHashMap<>();
    for (int i = 0; i < wnids.size(); i++) {
      label.put(wnids.get(i), i);
    }
    Images train = new Images(root + " (train)");
    for (String wnid : wnids) {
      Path images = new Path(root, "train/" + wnid + "/images");
      for (Path jpeg : jpegs(fs, images, wnid)) {
        train.add(jpeg, label.get(wnid));
      }
    }
    Images val = new Images(root + " (val)");
    Path annotations = new Path(root, "val/val_annotations.txt");
    for (String[] line : lines(annotations)) {
      Integer l = label.get(line[1]);
      if (l == null) {
        throw new ReliefInputException(annotations + ": " + line[0] + " is labelled " + line[1]
            + ", which is not in wnids.txt");
      }
      val.add(new Path(root, "val/images/" + line[0]), l);
    }
    return new TrainTest(train.dataset(CLASSES), val.dataset(CLASSES));
  }

  private static List<String> wnids(Path root) {
    List<String> out = new ArrayList<>();
    for (String[] line : lines(new Path(root, "wnids.txt"))) {
      out.add(line[0]);
    }
    if (out.isEmpty() || out.size() > CLASSES) {
      throw new ReliefInputException(new Path(root, "wnids.txt") + ": " + out.size() + " class ids, expected 1 to "
          + CLASSES);
    }
    return out;
  }

  private static List<Path> jpegs(FileSystem fs, Path dir, String wnid) {
    try {
      FileStatus[] files = fs.listStatus(dir);
      List<Path> out = new ArrayList<>();
      for (FileStatus f : files) {
        if (f.isFile() && f.getPath().getName().toUpperCase(java.util.Locale.ROOT).endsWith(".JPEG")) {
          out.add(f.getPath());
        }
      }
      out.sort(null);
      if (out.isEmpty()) {
        throw new ReliefInputException(dir + ": no JPEG images for class " + wnid);
      }
      return out;
    } catch (FileNotFoundException e) {
      throw new ReliefInputException("dataset tiny-imagenet: class folder " + dir + " (wnid " + wnid
          + " of wnids.txt) not found");
    } catch (IOException e) {
      throw new ReliefInputException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  private static List<String[]> lines(Path path) {
    try (InputStream in = HadoopFiles.open(path);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String[]> out = new ArrayList<>();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          out.add(line.trim().split("\\s+"));
        }
      }
      return out;
    } catch (FileNotFoundException e) {
      throw new ReliefInputException("dataset tiny-imagenet: " + path + " not found; set dataset.path to the "
          + "tiny-imagenet-200 directory");
    } catch (IOException e) {
      throw new ReliefInputException(path + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** Decoded images of one split, in the order they were added. */
  private static final class Images {
    private final String name;
    private final java.io.ByteArrayOutputStream pixels = new java.io.ByteArrayOutputStream();
    private final java.io.ByteArrayOutputStream labels = new java.io.ByteArrayOutputStream();

    Images(String name) {
      this.name = name;
    }

    void add(Path jpeg, int label) {
      BufferedImage image;
      try (InputStream in = HadoopFiles.fileSystem(jpeg).open(jpeg)) {
        image = ImageIO.read(in);
      } catch (FileNotFoundException e) {
        throw new ReliefInputException(jpeg + ": image not found");
      } catch (IOException | RuntimeException e) {
        throw new ReliefInputException(jpeg + ": not a readable JPEG (" + e.getMessage() + ")");
      }
      if (image == null) {
        throw new ReliefInputException(jpeg + ": not a readable JPEG");
      }
      if (image.getWidth() != SIDE || image.getHeight() != SIDE) {
        throw new ReliefInputException(jpeg + ": " + image.getWidth() + "x" + image.getHeight()
            + " pixels, Tiny-ImageNet images are 64x64");
      }
      byte[] chw = new byte[3 * SIDE * SIDE];
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          int rgb = image.getRGB(x, y); // grayscale images come back as equal R, G, B
          chw[y * SIDE + x] = (byte) (rgb >> 16);
          chw[SIDE * SIDE + y * SIDE + x] = (byte) (rgb >> 8);
          chw[2 * SIDE * SIDE + y * SIDE + x] = (byte) rgb;
        }
      }
      pixels.writeBytes(chw);
      labels.write(label);
    }

    ImageDataset dataset(int classes) {
      return new ImageDataset(name, 3, SIDE, SIDE, classes, pixels.toByteArray(), labels.toByteArray(), CifarFormat.MEAN,
          CifarFormat.STD);
    }
  }
}
