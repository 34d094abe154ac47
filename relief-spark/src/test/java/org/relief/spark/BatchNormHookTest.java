package org.relief.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.relief.model.net.Architecture;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.OneDnnHelpers;

/** A worker's network, rebuilt by DL4J from its configuration, trains on Relief's BatchNorm once the hook has run. */
class BatchNormHookTest {

  @Test
  void theHookInstallsReliefsBatchNormInAWorkersNetwork() throws Exception {
    // VGG-like: its BatchNorm layers are DL4J's (a ResNet's training form has Relief's own, which
    // carry their helper through the JSON)
    NetworkSpec spec = new NetworkSpec(Architecture.fromId("vgg-like"), 3, 32, 32, 10, 3);
    MultiLayerNetwork trained = (MultiLayerNetwork) spec.architecture().trainable(spec, new Adam(1e-3), 0,
        spec.build().params()).dl4j();
    // what a worker does: a network from the configuration's JSON, with DL4J's helpers
    MultiLayerNetwork worker = new MultiLayerNetwork(
        org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(trained.getLayerWiseConfigurations().toJson()));
    worker.init(trained.params().dup(), false);
    assertTrue(OneDnnHelpers.inUse(worker).contains("MKLDNNBatchNormHelper"), OneDnnHelpers.inUse(worker));

    BatchNormHook hook = serializedAndBack(new BatchNormHook()); // as Spark ships it to workers
    DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), Nd4j.eye(10).getRows(0, 1));
    hook.preUpdate(batch, worker);
    hook.preUpdate(batch, worker); // again: nothing left to replace

    assertTrue(OneDnnHelpers.inUse(worker).contains("TrainingBatchNorm"));
    assertFalse(OneDnnHelpers.inUse(worker).contains("MKLDNNBatchNormHelper"));
    assertEquals(OneDnnHelpers.inUse(trained), OneDnnHelpers.inUse(worker));
  }

  private static BatchNormHook serializedAndBack(BatchNormHook hook) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(hook);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (BatchNormHook) in.readObject();
    }
  }
}
