package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.relief.model.ReliefInputException;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.NetworkTopology;
import org.relief.model.net.PrunableLayer;

class MaskFileTest {
  @TempDir Path dir;

  static NetworkMasks randomMasks(NetworkTopology topology, long seed) {
    Random random = new Random(seed);
    List<LayerMask> masks = new java.util.ArrayList<>();
    for (PrunableLayer layer : topology.layers()) {
      boolean[] w = new boolean[(int) layer.weightCount()];
      boolean[] b = new boolean[layer.outputs()];
      for (int k = 0; k < w.length; k++) {
        w[k] = random.nextBoolean();
      }
      for (int k = 0; k < b.length; k++) {
        b[k] = random.nextBoolean();
      }
      masks.add(LayerMask.of(layer, w, b));
    }
    return NetworkMasks.of(masks);
  }

  @Test
  void masksSurviveARoundTripThroughAFile() {
    NetworkTopology topology = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 1).build().topology();
    NetworkMasks masks = randomMasks(topology, 3);
    String uri = dir.resolve("masks.bin").toUri().toString();

    MaskFile.write(masks, uri);

    assertEquals(masks, MaskFile.read(uri, topology));
    try (var files = Files.list(dir)) {
      assertEquals(List.of("masks.bin"), files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList(),
          "no temporary file is left behind");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aTruncatedFileOrAnotherNetworksMasksAreRefused() throws Exception {
    NetworkTopology lenet5 = new NetworkSpec(Architecture.LENET5, 1, 28, 28, 10, 1).build().topology();
    NetworkTopology lenet300 = new NetworkSpec(Architecture.LENET_300_100, 1, 28, 28, 10, 1).build().topology();
    Path file = dir.resolve("masks.bin");
    MaskFile.write(randomMasks(lenet5, 1), file.toString());

    ReliefInputException wrongNet = assertThrows(ReliefInputException.class, () -> MaskFile.read(file.toString(), lenet300));
    assertTrue(wrongNet.getMessage().contains("masks.bin"), wrongNet.getMessage());

    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 20));
    ReliefInputException cut = assertThrows(ReliefInputException.class, () -> MaskFile.read(file.toString(), lenet5));
    assertTrue(cut.getMessage().contains("truncated or corrupt"), cut.getMessage());
  }
}
