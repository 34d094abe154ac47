package org.relief.model.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The stopping rule: the smallest network within a tolerance of the dense accuracy is the result. */
class StoppingRuleTest {
  private static IterationTable table(double... accuracies) {
    IterationTable table = new IterationTable(false);
    double remaining = 100;
    for (int it = 0; it < accuracies.length; it++) {
      table.add(new IterationRow(0, it, accuracies[it], accuracies[it], 0, 0, 100 / remaining, remaining, 0, 0, 0, "",
          0, "last", 0, 0, 0, 0, 0, "local"));
      remaining /= 2;
    }
    return table;
  }

  private static StoppingRule tolerance(double points) {
    return new StoppingRule(OptionalDouble.of(points));
  }

  @Test
  void withinToleranceTheRunGoesOnAndTheLastIterationIsTheResult() {
    IterationTable t = table(90.0, 89.5, 89.2);
    assertFalse(tolerance(1.0).stops(t));
    assertEquals(2, tolerance(1.0).result(t).iter());
  }

  @Test
  void aDropBeyondToleranceStopsAndTheLastIterationWithinIsTheResult() {
    IterationTable t = table(90.0, 89.5, 88.0);
    assertTrue(tolerance(1.0).stops(t));
    assertEquals(1, tolerance(1.0).result(t).iter());
    assertTrue(tolerance(1.0).resultJson(t).contains("\"result_iter\": 1"));
    assertTrue(tolerance(1.0).resultJson(t).contains("\"stopped_early\": true"));
  }

  @Test
  void aDropOfExactlyTheToleranceIsWithinIt() {
    assertFalse(tolerance(1.0).stops(table(90.0, 89.0)));
  }

  @Test
  void whenEveryPrunedNetworkIsBeyondToleranceTheDenseOneIsTheResult() {
    IterationTable t = table(90.0, 80.0);
    assertTrue(tolerance(0.5).stops(t));
    assertEquals(0, tolerance(0.5).result(t).iter());
  }

  @Test
  void withoutToleranceNothingStopsAndTheResultIsTheLastIteration() {
    IterationTable t = table(90.0, 50.0, 10.0);
    assertFalse(StoppingRule.NONE.stops(t));
    assertEquals(2, StoppingRule.NONE.result(t).iter());
    assertTrue(StoppingRule.NONE.resultJson(t).contains("\"max_accuracy_drop\": null"));
  }
}
