package org.relief.model.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.relief.model.ReliefInputException;

/** Cumulative-alpha selection, DESIGN.md "Selection", on hand-computed cases. */
class MaskSelectorTest {

  @Test
  void keepsTheShortestDescendingPrefixThatReachesAlphaOfTheTotal() {
    // total 100, alpha·S = 80: 50 + 30 reaches 80 exactly, so 15 is the first excluded score
    assertArrayEquals(new boolean[] {true, true, false, false}, MaskSelector.keep(new double[] {50, 30, 15, 5}, 0.8));
    // order of the input does not matter
    assertArrayEquals(new boolean[] {false, true, false, true}, MaskSelector.keep(new double[] {5, 50, 15, 30}, 0.8));
  }

  @Test
  void aScoreTiedWithTheFirstExcludedOneIsPrunedEvenInsideThePrefix() {
    // total 10, alpha·S = 5: prefix {4, 2} reaches 5; the first excluded score is the other 2,
    // and every score <= it goes, so the 2 inside the prefix goes too
    assertArrayEquals(new boolean[] {true, false, false, false, false},
        MaskSelector.keep(new double[] {4, 2, 2, 1, 1}, 0.5));
  }

  @Test
  void alphaOnePrunesOnlyTheLeastImportantEntryAndItsTies() {
    assertArrayEquals(new boolean[] {true, true, true, false}, MaskSelector.keep(new double[] {50, 30, 15, 5}, 1.0));
    assertArrayEquals(new boolean[] {true, false, false}, MaskSelector.keep(new double[] {3, 1, 1}, 1.0));
  }

  @Test
  void theLeastImportantEntryIsPrunedEvenWhenTheWholeRowIsNeeded() {
    // 0.999 of the total needs all four entries; the smallest is still pruned
    assertArrayEquals(new boolean[] {true, true, true, false}, MaskSelector.keep(new double[] {10, 10, 10, 9}, 0.999));
  }

  @Test
  void zeroScoresArePrunedAndAnAllZeroRowLosesEverything() {
    assertArrayEquals(new boolean[] {true, false, false}, MaskSelector.keep(new double[] {7, 0, 0}, 0.5));
    assertArrayEquals(new boolean[] {false, false, false}, MaskSelector.keep(new double[] {0, 0, 0}, 0.9));
  }

  @Test
  void refusesAlphaOutsideTheUnitIntervalAndBadScores() {
    double[] s = {1, 2};
    assertThrows(ReliefInputException.class, () -> MaskSelector.keep(s, 0.0));
    assertThrows(ReliefInputException.class, () -> MaskSelector.keep(s, 1.5));
    assertThrows(ReliefInputException.class, () -> MaskSelector.keep(s, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> MaskSelector.keep(new double[] {1, Double.NaN}, 0.5));
    assertThrows(IllegalArgumentException.class, () -> MaskSelector.keep(new double[] {1, -1}, 0.5));
    assertThrows(IllegalArgumentException.class, () -> MaskSelector.keep(new double[0], 0.5));
  }
}
