package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.data.GeneratedDatasets;

/**
 * Damaged CIFAR and Tiny-ImageNet files given to {@code relief run}: one line on stderr naming
 * the file (and record or folder), exit 2, and nothing written.
 */
class ColourDatasetErrorsTest {
  @TempDir Path tmp;

  private CliRun run(String architecture, String dataset, Path data) throws IOException {
    Path conf = tmp.resolve("damaged.conf");
    Files.writeString(conf, """
        relief {
          experiment.output = "%s"
          network.architecture = "%s"
          dataset { name = "%s", path = "%s" }
          prune { iterations = 1, pruning-set-size = 2, batch-size = 2 }
          train { pretrain-epochs = 1, retrain-epochs = 1, validation-size = 2, batch-size = 2 }
          spark.statistics = "local"
        }
        """.formatted(tmp.resolve("out"), architecture, dataset, data));
    return CliRun.of("run", conf.toString());
  }

  private void assertRefused(CliRun run, String... mentions) {
    assertEquals(Relief.EXIT_INPUT, run.exit(), run.toString());
    assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
    for (String m : mentions) {
      assertTrue(run.err().contains(m), "stderr names '" + m + "': " + run.err());
    }
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written: the data is checked before the run starts");
  }

  @Test
  void aCifarBatchThatIsNotWholeRecords() throws IOException {
    Path dir = GeneratedDatasets.cifar10(tmp.resolve("cifar-10-batches-bin"), 4, 4, 1);
    byte[] b = Files.readAllBytes(dir.resolve("data_batch_2.bin"));
    Files.write(dir.resolve("data_batch_2.bin"), Arrays.copyOf(b, b.length - 1));
    assertRefused(run("vgg-like", "cifar10", dir), "data_batch_2.bin");
  }

  @Test
  void aCifar100LabelOutOfRange() throws IOException {
    Path dir = GeneratedDatasets.cifar100(tmp.resolve("cifar-100-binary"), 8, 4, 1);
    byte[] b = Files.readAllBytes(dir.resolve("train.bin"));
    b[3074 * 2 + 1] = (byte) 150; // the third record's fine label; CIFAR-100 has 100
    Files.write(dir.resolve("train.bin"), b);
    assertRefused(run("resnet20", "cifar100", dir), "train.bin", "record 2", "150");
  }

  @Test
  void aTinyImagenetTreeMissingAWnidFolder() throws IOException {
    Path dir = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny-imagenet-200"), 2, 2, 1);
    Files.writeString(dir.resolve("wnids.txt"), Files.readString(dir.resolve("wnids.txt")) + "n09999999\n");
    assertRefused(run("resnet18", "tiny-imagenet", dir), "n09999999");
  }

  @Test
  void aTinyImagenetTreeWithACorruptJpeg() throws IOException {
    Path dir = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny-imagenet-200"), 2, 2, 1);
    Path jpeg;
    try (var files = Files.walk(dir.resolve("train"))) {
      jpeg = files.filter(p -> p.toString().endsWith(".JPEG")).sorted().findFirst().orElseThrow();
    }
    Files.write(jpeg, Arrays.copyOf(Files.readAllBytes(jpeg), 40));
    assertRefused(run("resnet18", "tiny-imagenet", dir), jpeg.getFileName().toString());
  }

  @Test
  void threeChannelImagesGivenToLenet300() throws IOException {
    Path dir = GeneratedDatasets.cifar10(tmp.resolve("cifar-10-batches-bin"), 4, 4, 1);
    assertRefused(run("lenet300-100", "cifar10", dir), "lenet300-100", "3x32x32");
  }
}
