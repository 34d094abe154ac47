package org.relief.spark.sweep;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * One trial of a sweep.
 *
 * @param id a stable hash of the trial's resolved experiment (every key except where its output
 *     goes and its name): the same trial always has the same id
 * @param params the keys the sweep varies and their values for this trial, sorted by key
 * @param config the trial's complete experiment as HOCON, output set to the trial's directory
 * @param invalid why the trial cannot run (a value out of range), or null; such a trial is
 *     recorded as failed without being run
 * @param matches for a baseline paired with its NNrelief trial ({@link SweepPlan}): that
 *     trial's id, whose run it matches and after which it runs; null otherwise
 */
public record Trial(String id, Map<String, String> params, String config, String invalid, String matches)
    implements Serializable {
  public Trial {
    params = new TreeMap<>(params);
  }
}
