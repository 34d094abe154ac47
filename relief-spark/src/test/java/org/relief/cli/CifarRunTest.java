package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.data.GeneratedDatasets;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.PassWorkspace;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.MaskFile;
import org.relief.model.prune.NetworkMasks;

/**
 * One {@code relief run} iteration of ResNet-20 and VGG-like on a tiny CIFAR-10 set written in
 * the binary-batch format, in this JVM and through Spark {@code local[2]} (statistics on
 * executors, retraining by parameter averaging).
 */
class CifarRunTest {
  @TempDir static Path dir;
  static Path cifar;

  @BeforeAll
  static void data() throws IOException {
    cifar = GeneratedDatasets.cifar10(dir.resolve("cifar-10-batches-bin"), 20, 40, 7);
  }

  static Path conf(String architecture, String mode, Path output) throws IOException {
    Path conf = dir.resolve(architecture + "-" + mode + ".conf");
    boolean spark = mode.equals("spark");
    Files.writeString(conf, """
        relief {
          experiment { name = "cifar", output = "%s", seed = 5 }
          network.architecture = "%s"
          dataset { name = "cifar10", path = "%s" }
          prune { iterations = 1, alpha-conv = 0.9, alpha-fc = 0.95, conv-score = "mean-l2",
                  pruning-set-size = 40, batch-size = 20, before-retraining = "fine-tune" }
          train {
            optimizer = "sgd", learning-rate = 0.01, pretrain-epochs = 1, retrain-epochs = 1, batch-size = 20
            validation-size = 20, pretrain-milestones = [], retrain-milestones = [], augment = "crop-flip"
          }
          spark { master = "local[2]", statistics = "%s", training = "%s", averaging-frequency = 2 }
        }
        """.formatted(output, architecture, cifar, spark ? "spark" : "local", spark ? "spark" : "local"));
    return conf;
  }

  @ParameterizedTest
  @CsvSource({"resnet20, local", "resnet20, spark", "vgg-like, local", "vgg-like, spark"})
  void oneIterationPrunesRetrainsAndSavesAZeroedNetwork(String architecture, String mode) throws IOException {
    Path out = dir.resolve(architecture + "-" + mode);
    CliRun run = CliRun.of("run", conf(architecture, mode, out).toString());
    assertEquals(0, run.exit(), run.toString());
    assertFalse(PassWorkspace.heldByThisThread(), "the pruning passes' memory is freed once the step is done");

    List<String> lines = Files.readAllLines(out.resolve("iterations.csv"));
    List<String> header = Arrays.asList(lines.get(0).split(","));
    assertEquals(3, lines.size(), "header + iterations 0 and 1");
    String[] last = lines.get(2).split(",");
    assertEquals(mode, last[header.indexOf("training")]);
    double remaining = Double.parseDouble(last[header.indexOf("remaining_percent")]);
    assertTrue(remaining > 1 && remaining < 100, "remaining " + remaining);

    ReliefNetwork shape = new NetworkSpec(Architecture.fromId(architecture), 3, 32, 32, 10, 0).build();
    NetworkMasks masks = MaskFile.read(out.resolve("iter-001/masks.bin").toString(), shape.topology());
    float[] params;
    try (InputStream in = Files.newInputStream(out.resolve("iter-001/model.zip"))) {
      Model saved = architecture.startsWith("resnet") ? ModelSerializer.restoreComputationGraph(in, false)
          : ModelSerializer.restoreMultiLayerNetwork(in, false);
      params = saved.params().toFloatVector();
    }
    float[] mask = masks.toFlat(shape.layout());
    long pruned = 0;
    for (int k = 0; k < params.length; k++) {
      if (mask[k] == 0f) {
        pruned++;
        assertEquals(0f, params[k], "pruned parameter " + k + " after retraining");
      }
    }
    assertTrue(pruned > 0);
    assertCompactExportComputesTheSame(out, architecture.startsWith("resnet"));
    if (architecture.startsWith("resnet")) {
      LayerMask down = masks.layer("layer2.0.conv2");
      for (int k : new int[] {0, 7, 24, 31}) {
        assertFalse(down.gate(k), "zero-padded option-A channel " + k + " closes (its shortcut is 0)");
      }
    }
  }

  /** export --compact of the run's last iteration: the compact network's outputs are the masked one's. */
  private static void assertCompactExportComputesTheSame(Path run, boolean graph) throws IOException {
    Path exported = run.resolve("exported");
    CliRun export = CliRun.of("export", run.toString(), "--compact", "--output", exported.toString());
    assertEquals(0, export.exit(), export.toString());
    org.nd4j.linalg.api.ndarray.INDArray batch = org.nd4j.linalg.factory.Nd4j.rand(
        org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32);
    org.nd4j.linalg.api.ndarray.INDArray masked;
    org.nd4j.linalg.api.ndarray.INDArray compact;
    long compactParams;
    long maskedParams;
    if (graph) {
      org.deeplearning4j.nn.graph.ComputationGraph a = ModelSerializer.restoreComputationGraph(exported.resolve("model.zip").toFile());
      org.deeplearning4j.nn.graph.ComputationGraph b =
          ModelSerializer.restoreComputationGraph(exported.resolve("compact-model.zip").toFile());
      masked = a.outputSingle(false, batch);
      compact = b.outputSingle(false, batch);
      maskedParams = a.numParams();
      compactParams = b.numParams();
    } else {
      org.deeplearning4j.nn.multilayer.MultiLayerNetwork a =
          ModelSerializer.restoreMultiLayerNetwork(exported.resolve("model.zip").toFile());
      org.deeplearning4j.nn.multilayer.MultiLayerNetwork b =
          ModelSerializer.restoreMultiLayerNetwork(exported.resolve("compact-model.zip").toFile());
      masked = a.output(batch, false);
      compact = b.output(batch, false);
      maskedParams = a.numParams();
      compactParams = b.numParams();
    }
    assertEquals(0.0, masked.sub(compact).amaxNumber().doubleValue(), 1e-5);
    assertTrue(export.lastLine().contains("parameters_compact=" + compactParams), export.lastLine());
    assertTrue(compactParams <= maskedParams, compactParams + " > " + maskedParams);
  }
}
