package org.relief.model.experiment;

import java.util.Arrays;
import org.relief.model.ReliefInputException;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.ImageDataset;
import org.relief.model.data.PruningSet;
import org.relief.model.data.TrainTest;
import org.relief.model.train.Checkpoint;

/**
 * The examples an experiment uses, all drawn with the seed: the training examples, the
 * validation examples held out of them (for {@code checkpoint = validation}), the test split,
 * and the pruning set, sampled from the training examples only.
 */
public record DataSplits(ImageDataset train, ImageDataset validation, ImageDataset test, ImageDataset pruningSet) {

  public static DataSplits of(TrainTest data, ExperimentSettings settings) {
    ExperimentSettings.Train t = settings.train();
    ExperimentSettings.Prune p = settings.prune();
    long seed = settings.experiment().seed();
    ImageDataset all = data.train().head(settings.dataset().trainSubset());
    ImageDataset test = data.test().head(settings.dataset().testSubset());

    ImageDataset train = all;
    ImageDataset validation = null;
    if (t.checkpoint() == Checkpoint.VALIDATION) {
      if (t.validationSize() >= all.size()) {
        throw new ReliefInputException("train.validation-size = " + t.validationSize() + " leaves no training examples out of "
            + all.size());
      }
      int[] held = PruningSet.sampleIndices(all.size(), t.validationSize(), seed ^ 0x5EEDL);
      boolean[] isHeld = new boolean[all.size()];
      for (int i : held) {
        isHeld[i] = true;
      }
      Arrays.sort(held);
      validation = all.subset(held);
      train = all.subset(java.util.stream.IntStream.range(0, all.size()).filter(i -> !isHeld[i]).toArray());
    }
    if (p.pruningSetSize() > train.size()) {
      throw new ReliefInputException("prune.pruning-set-size = " + p.pruningSetSize() + " is larger than the "
          + train.size() + " training examples");
    }
    ImageDataset pruning = train.subset(PruningSet.sampleIndices(train.size(), p.pruningSetSize(), seed));
    return new DataSplits(train, validation, test, pruning);
  }

  /** The set the checkpoint rule measures: validation, test, or none (keep the last epoch). */
  public ImageDataset selection(Checkpoint rule) {
    return switch (rule) {
      case VALIDATION -> validation;
      case TEST -> test;
      case LAST -> null;
    };
  }
}
