package org.relief.spark;

import java.io.IOException;
import java.util.SplittableRandom;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.relief.model.data.CropFlip;

/**
 * Loads an exported training minibatch on a Spark worker and applies the crop-flip
 * augmentation ({@code train.augment}) to it, as local training does per batch. The draws come
 * from the run's seed, the phase, the epoch and the batch file's name, so the same epoch of the
 * same run sees the same images on whichever worker, on a retry too.
 */
final class AugmentedBatchLoader implements DataSetLoader {
  private static final long serialVersionUID = 1L;

  private final CropFlip augmentation;
  private final long seed;

  /** @param seed the run's seed mixed with the phase and epoch ({@link #seed}) */
  AugmentedBatchLoader(CropFlip augmentation, long seed) {
    this.augmentation = augmentation;
    this.seed = seed;
  }

  /** The seed of one epoch of one phase of a run. */
  static long seed(long runSeed, String phase, int epoch) {
    return runSeed * 1_000_003L ^ phase.hashCode() * 31L ^ epoch;
  }

  @Override
  public DataSet load(Source source) throws IOException {
    DataSet batch = new SerializedDataSetLoader().load(source);
    String name = source.getPath().substring(source.getPath().lastIndexOf('/') + 1);
    float[] augmented = augmentation.apply(batch.getFeatures().dup('c').data().asFloat(),
        new SplittableRandom(seed ^ ((long) name.hashCode() << 32)));
    batch.setFeatures(Nd4j.create(augmented, batch.getFeatures().shape(), 'c'));
    return batch;
  }
}
