package org.relief.model.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The updater of one training phase: the optimiser with a multi-step learning-rate schedule,
 * as PyTorch's {@code MultiStepLR}: the rate is {@code lr · gamma^k} from epoch milestone k on
 * (epochs counted from 0, one schedule per phase).
 */
public final class LearningRate {
  private LearningRate() {}

  public static ISchedule multiStep(double lr, List<Integer> milestones, double gamma) {
    Map<Integer, Double> values = new LinkedHashMap<>();
    values.put(0, lr);
    double current = lr;
    for (int epoch : milestones) {
      current *= gamma;
      values.put(epoch, current);
    }
    return new MapSchedule(ScheduleType.EPOCH, values);
  }

  public static IUpdater updater(OptimizerKind optimizer, double lr, double momentum, List<Integer> milestones,
      double gamma) {
    ISchedule schedule = multiStep(lr, milestones, gamma);
    return switch (optimizer) {
      case ADAM -> new Adam(schedule);
      case SGD -> new ClassicMomentum(schedule, momentum);
    };
  }
}
