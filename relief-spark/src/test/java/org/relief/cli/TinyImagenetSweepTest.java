package org.relief.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.data.GeneratedDatasets;

/**
 * conf/tiny-imagenet-sweep.conf itself, cut down to one optimizer, one alpha and one seed (so
 * VGG-16 and ResNet-18) with tiny epochs, on a generated Tiny-ImageNet tree of real JPEGs:
 * distributed mode on local[2], statistics on executors, retraining by parameter averaging.
 */
class TinyImagenetSweepTest {
  @TempDir Path tmp;

  @Test
  void theTinyImagenetSweepRunsBothNetworksDistributed() throws IOException {
    Path data = GeneratedDatasets.tinyImageNet(tmp.resolve("tiny-imagenet-200"), 2, 6, 3);
    Path out = tmp.resolve("sweep");
    Path conf = tmp.resolve("tiny.conf");
    Files.writeString(conf, Files.readString(ConfFilesTest.CONF.resolve("tiny-imagenet-sweep.conf")) + """
        relief {
          dataset.path = "%s"
          prune { iterations = 1, pruning-set-size = 4, batch-size = 4 }
          train {
            batch-size = 4, validation-size = 4, pretrain-epochs = 1, retrain-epochs = 1
            pretrain-milestones = [], retrain-milestones = []
          }
          spark { master = "local[2]", averaging-frequency = 1 }
          sweep {
            output = "%s"
            grid { train = [ { optimizer = "adam", learning-rate = 0.001 } ], prune.alpha-conv = [0.9], experiment.seed = [0] }
          }
        }
        """.formatted(data, out));

    CliRun run = CliRun.of("sweep", conf.toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals("sweep tiny-imagenet: 2/2 trials done, 0 failed", run.lastLine());
    JsonNode ledger = new ObjectMapper().readTree(out.resolve("sweep.json").toFile());
    ledger.path("trials").forEach(t -> assertEquals("done", t.path("state").asText(), t.toString()));
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertEquals(1 + 2 * 2, csv.size(), "iterations 0 and 1 of both trials: " + csv);
    List<String> header = List.of(csv.get(0).split(","));
    int architecture = header.indexOf("network_architecture");
    int training = header.indexOf("training");
    assertTrue(csv.stream().skip(1).anyMatch(l -> fields(l)[architecture].equals("vgg16")), csv.toString());
    assertTrue(csv.stream().skip(1).anyMatch(l -> fields(l)[architecture].equals("resnet18")), csv.toString());
    csv.stream().skip(1).forEach(l -> assertEquals("\"{\"\"learning-rate\"\":0.001,\"\"optimizer\"\":\"\"adam\"\"}\"",
        fields(l)[header.indexOf("train")], "an object-valued grid key is one quoted CSV field"));
    csv.stream().skip(1).filter(l -> fields(l)[header.indexOf("iter")].equals("1"))
        .forEach(l -> assertEquals("spark", fields(l)[training], l));
  }

  /** The fields of a CSV line, commas inside double quotes kept. */
  private static String[] fields(String line) {
    return line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
  }
}
