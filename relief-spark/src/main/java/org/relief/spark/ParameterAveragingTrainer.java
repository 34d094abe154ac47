package org.relief.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.relief.model.config.ExperimentSettings;
import org.relief.model.data.CropFlip;
import org.relief.model.data.ImageDataset;
import org.relief.model.io.HadoopFiles;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;
import org.relief.model.prune.NetworkMasks;
import org.relief.model.train.Accuracy;
import org.relief.model.train.CheckpointSelection;
import org.relief.model.train.EpochOrder;
import org.relief.model.train.LearningRate;
import org.relief.model.train.MaskEnforcer;
import org.relief.model.train.PhaseTrainer;
import org.relief.model.train.TrainingDivergedException;

/**
 * Training phases on Spark with DL4J's parameter averaging
 * ({@code ParameterAveragingTrainingMaster}): each worker fits {@code averaging-frequency}
 * minibatches, then the driver averages parameters and optimiser state. Pruned parameters stay
 * at zero on the workers after every update ({@link MaskHook}, plus the mask listener) and on
 * the driver after every averaging.
 *
 * <p>Data travels by path, not by {@code parallelize} of arrays: the training set is written
 * once per run as DataSet minibatch files under {@code <run>/spark-train/<fingerprint>-<batch>/}
 * (seeded order), and
 * each epoch hands Spark the list of paths, shuffled with the seed and epoch.
 */
final class ParameterAveragingTrainer implements PhaseTrainer {
  private static final int EVAL_BATCH = 500;

  private final JavaSparkContext sc;
  private final NetworkSpec spec;
  private final ExperimentSettings.Train train;
  private final SparkSettings settings;
  private final long seed;
  private final String exportDirectory;
  private final Supplier<String> phase;

  ParameterAveragingTrainer(JavaSparkContext sc, NetworkSpec spec, ExperimentSettings.Train train, SparkSettings settings,
      long seed, String runDirectory, Supplier<String> phase) {
    this.sc = sc;
    this.spec = spec;
    this.train = train;
    this.settings = settings;
    this.seed = seed;
    this.exportDirectory = new Path(HadoopFiles.path(runDirectory), "spark-train").toString();
    this.phase = phase;
  }

  @Override
  public void prepare(ImageDataset data) {
    export(data);
  }

  @Override
  public Result train(Phase phase, float[] start, NetworkMasks masks, ImageDataset data, ImageDataset selection,
      EpochListener listener) {
    ReliefNetwork built = spec.architecture().trainable(spec,
        LearningRate.updater(train.optimizer(), train.learningRate(), train.momentum(), phase.milestones(), train.gamma()),
        train.weightDecay(), start);
    float[] flatMask = masks.toFlat(built.layout());
    MaskEnforcer mask = new MaskEnforcer(flatMask);
    float[] masked = MaskEnforcer.masked(start, flatMask);
    if (phase.epochs() == 0) {
      return new Result(masked, 0, Double.NaN);
    }
    built.setParams(masked);
    List<String> batches = export(data);
    Model net = built.dl4j();
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(
        // numWorkers given explicitly: DL4J M2 reads it off the SparkDl4jMultiLayer when unset,
        // which is null when a ComputationGraph (ResNet) is trained -> NullPointerException.
        sc.defaultParallelism(), train.batchSize())
        .batchSizePerWorker(train.batchSize())
        .averagingFrequency(settings.averagingFrequency())
        .workerPrefetchNumBatches(settings.workerPrefetch())
        .saveUpdater(true) // averaging Adam's state too: without it 82.1 % vs 83.4 % after one epoch (BENCHMARKS.md)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .rngSeed(seed)
        .collectTrainingStats(false)
        .trainingHooks(new MaskHook(mask), new BatchNormHook(), new OpenMpThreadsHook())
        .build();
    master.setListeners(List.of(mask));
    SparkModel sparkNet = SparkModel.of(sc, net, master);

    CheckpointSelection checkpoint = new CheckpointSelection(selection != null);
    ReliefNetwork view = spec.wrap(sparkNet.network());
    for (int epoch = 1; epoch <= phase.epochs(); epoch++) {
      long t0 = System.nanoTime();
      sc.setJobGroup("relief-training", String.format(Locale.ROOT, "%s: %s epoch %d/%d", this.phase.get(),
          phase.name(), epoch, phase.epochs()), false);
      try {
        DataSetLoader loader = train.augment()
            ? new AugmentedBatchLoader(data.cropFlip(CropFlip.REFERENCE_PAD), AugmentedBatchLoader.seed(seed, phase.name(), epoch))
            : new SerializedDataSetLoader();
        sparkNet.fitPaths(sc.parallelize(shuffled(batches, phase.name(), epoch), sc.defaultParallelism()), loader);
      } finally {
        sc.clearJobGroup();
      }
      view = spec.wrap(sparkNet.network());
      mask.apply(view.dl4j().params());
      view.incrementEpochCount();
      double loss = sparkNet.score();
      if (!Double.isFinite(loss)) {
        throw new TrainingDivergedException("training diverged: loss " + loss + " in " + phase.name() + ", epoch "
            + epoch + " (learning rate " + train.learningRate() + " too high?)");
      }
      double accuracy = selection == null ? Double.NaN : Accuracy.of(view, selection, EVAL_BATCH).top1();
      checkpoint.offer(epoch, accuracy, view::params);
      listener.epochDone(new EpochReport(phase.name(), epoch, phase.epochs(), loss, accuracy, (System.nanoTime() - t0) / 1e9));
    }
    return checkpoint.result(phase.epochs(), view::params);
  }

  /**
   * Writes the training set as DataSet minibatch files once per run and dataset (seeded order,
   * in a directory named after the data's fingerprint); returns their paths.
   */
  private List<String> export(ImageDataset data) {
    Path dir = new Path(HadoopFiles.path(exportDirectory), data.fingerprint() + "-" + train.batchSize());
    FileSystem fs = HadoopFiles.fileSystem(dir);
    int n = data.size();
    int count = (n + train.batchSize() - 1) / train.batchSize();
    List<String> paths = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      paths.add(fs.makeQualified(new Path(dir, String.format(Locale.ROOT, "batch-%06d.bin", b))).toString());
    }
    try {
      if (fs.exists(new Path(dir, "_SUCCESS"))) {
        return paths;
      }
      fs.mkdirs(dir);
      int[] order = EpochOrder.permutation(n, new SplittableRandom(seed ^ 0xDA7AL));
      for (int b = 0; b < count; b++) {
        int from = b * train.batchSize();
        int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + train.batchSize()));
        DataSet batch = new DataSet(data.features(idx, spec.batchShape(idx.length)), data.oneHotLabels(idx));
        HadoopFiles.writeAtomically(new Path(paths.get(b)), out -> batch.save(new java.io.FilterOutputStream(out) {
          @Override
          public void close() throws IOException {
            flush();
          }
        }));
      }
      HadoopFiles.writeAtomically(new Path(dir, "_SUCCESS"), out -> { });
      return paths;
    } catch (IOException e) {
      throw new UncheckedIOException("exporting training minibatches to " + dir, e);
    }
  }

  /** DL4J's Spark wrapper of either network kind: a chain or a graph. */
  private interface SparkModel {
    void fitPaths(JavaRDD<String> paths, DataSetLoader loader);

    Model network();

    double score();

    static SparkModel of(JavaSparkContext sc, Model net, ParameterAveragingTrainingMaster master) {
      if (net instanceof ComputationGraph graph) {
        SparkComputationGraph spark = new SparkComputationGraph(sc, graph, master);
        return new SparkModel() {
          public void fitPaths(JavaRDD<String> paths, DataSetLoader loader) {
            spark.fitPaths(paths, loader);
          }

          public Model network() {
            return spark.getNetwork();
          }

          public double score() {
            return spark.getScore();
          }
        };
      }
      SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, (MultiLayerNetwork) net, master);
      return new SparkModel() {
        public void fitPaths(JavaRDD<String> paths, DataSetLoader loader) {
          spark.fitPaths(paths, loader);
        }

        public Model network() {
          return spark.getNetwork();
        }

        public double score() {
          return spark.getScore();
        }
      };
    }
  }

  private List<String> shuffled(List<String> paths, String phaseName, int epoch) {
    int[] order = EpochOrder.of(paths.size(), seed, phaseName, epoch);
    List<String> out = new ArrayList<>(paths.size());
    for (int i : order) {
      out.add(paths.get(i));
    }
    return out;
  }
}
