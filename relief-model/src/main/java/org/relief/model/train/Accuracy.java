package org.relief.model.train;

import java.nio.FloatBuffer;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.relief.model.data.ImageDataset;
import org.relief.model.net.NetworkSpec;
import org.relief.model.net.ReliefNetwork;

/**
 * Top-1 and top-5 accuracy of a network on a dataset, in percent. Ties in the output go to
 * the lower class index, as an argmax does.
 *
 * @param top1 percent of examples whose highest-scoring class is the label
 * @param top5 percent whose label is among the five highest-scoring classes
 * @param examples how many examples were evaluated
 */
public record Accuracy(double top1, double top5, int examples) {

  public static Accuracy of(ReliefNetwork network, ImageDataset data, int batchSize) {
    return of(network::output, network.spec(), data, batchSize);
  }

  /** The accuracy of {@code network}, which takes the input that {@code spec} describes. */
  public static Accuracy of(UnaryOperator<INDArray> network, NetworkSpec spec, ImageDataset data, int batchSize) {
    int n = data.size();
    int classes = data.classes();
    long correct1 = 0;
    long correct5 = 0;
    for (int start = 0; start < n; start += batchSize) {
      int b = Math.min(batchSize, n - start);
      int[] idx = new int[b];
      for (int i = 0; i < b; i++) {
        idx[i] = start + i;
      }
      INDArray out = network.apply(data.features(idx, spec.batchShape(b))).dup('c');
      FloatBuffer values = out.data().asNioFloat();
      for (int i = 0; i < b; i++) {
        int label = data.label(start + i);
        float labelScore = values.get(i * classes + label);
        int better = 0; // classes ranked above the label
        for (int c = 0; c < classes; c++) {
          float v = values.get(i * classes + c);
          if (v > labelScore || (v == labelScore && c < label)) {
            better++;
          }
        }
        correct1 += better == 0 ? 1 : 0;
        correct5 += better < 5 ? 1 : 0;
      }
    }
    return new Accuracy(100.0 * correct1 / n, 100.0 * correct5 / n, n);
  }
}
