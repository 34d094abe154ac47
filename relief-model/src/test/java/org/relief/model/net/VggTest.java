package org.relief.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relief.model.ReliefInputException;
import org.relief.model.prune.LayerMask;
import org.relief.model.prune.NetworkMasks;

/** The VGG family: shapes, parameter counts, BatchNorm bookkeeping. */
class VggTest {

  /**
   * Weights and biases of conv and dense layers (BN excluded), against counts worked out by
   * hand: VGG-16's convolutions are the well-known 14,714,688; its CIFAR classifier adds
   * 512·512+512 per hidden layer and 512·10+10.
   */
  @ParameterizedTest
  @CsvSource({
      "vgg-like, 32, 10, 14982474, 13",
      "vgg11, 32, 10, 9750922, 8",
      "vgg13, 32, 10, 9935434, 10",
      "vgg16, 32, 10, 15245130, 13",
      "vgg19, 32, 10, 20554826, 16",
      "vgg16, 64, 200, 16129032, 13"})
  void weightAndBiasCounts(String id, int size, int classes, long expected, int convs) {
    ReliefNetwork net = new NetworkSpec(Architecture.fromId(id), 3, size, size, classes, 1).build();
    long total = net.topology().layers().stream().mapToLong(l -> l.weightCount() + l.outputs()).sum();
    assertEquals(expected, total, id + " on " + size + "x" + size);
    assertEquals(convs, net.topology().layersOfKind(LayerKind.CONV).size());
    net.topology().layersOfKind(LayerKind.CONV).forEach(l -> assertTrue(l.hasBatchNorm(), l.name()));
  }

  @Test
  void convolutionsReportTheirPostBatchNormReluOutputAndFlattenIntoTheClassifier() {
    ReliefNetwork net = new NetworkSpec(Architecture.VGG_LIKE, 3, 32, 32, 10, 1).build();
    PrunableLayer first = net.topology().layer("features.0");
    assertEquals("features.1", first.batchNorm());
    assertEquals(2, first.activationIndex(), "the ReLU after the BatchNorm");
    assertEquals(512, net.topology().layer("classifier.1").inputs());
    assertEquals(1, net.topology().feedsFrom("features.40").get(0).unitSpan(), "1x1 maps after five pools");
    try (var io = net.forward(org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32),
        List.of("features.0"))) {
      assertTrue(io.get("features.0").output().minNumber().doubleValue() >= 0, "post-ReLU");
    }
  }

  @Test
  void aRemovedFilterHasItsBatchNormZeroedAndOthersKeepTheirs() {
    ReliefNetwork net = new NetworkSpec(Architecture.VGG_LIKE, 3, 32, 32, 10, 1).build();
    PrunableLayer conv = net.topology().layer("features.3");
    boolean[] removed = new boolean[conv.outputs()];
    removed[5] = true;
    NetworkMasks masks = NetworkMasks.full(net.topology()).with(List.of(LayerMask.full(conv).withoutUnits(removed)));
    float[] params = net.params();
    long[] bn = net.layout().of("features.3").batchNorm();
    assertNotNull(bn);
    params[Math.toIntExact(bn[2] + 5)] = 0.3f; // a running mean that is not 0 already
    params[Math.toIntExact(bn[3] + 5)] = 2f;

    float[] after = masks.apply(params, net.layout());
    float[] flat = masks.toFlat(net.layout());

    for (long offset : bn) {
      assertEquals(0f, after[Math.toIntExact(offset + 5)], "gamma, beta, mean, var of the removed filter");
      assertEquals(0f, flat[Math.toIntExact(offset + 5)], "and they stay 0 through training");
      assertEquals(params[Math.toIntExact(offset + 6)], after[Math.toIntExact(offset + 6)], "a kept filter's BN");
    }
  }

  @Test
  void vggsRefuseInputsTheirPoolsCannotTake() {
    assertThrows(ReliefInputException.class, () -> Architecture.VGG16.checkInput(1, 28, 28, "fashion-mnist"));
    assertThrows(ReliefInputException.class, () -> Architecture.VGG16.checkInput(3, 48, 48, "x"));
    Architecture.VGG16.checkInput(3, 64, 64, "tiny-imagenet");
  }
}
