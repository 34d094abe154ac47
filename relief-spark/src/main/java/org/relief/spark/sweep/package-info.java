/**
 * Sweeps (issue 5): a grid and/or list of trials over a base experiment, fanned out over a
 * Spark cluster, each trial committed in its own {@code relief run} directory, the sweep's
 * state in {@code sweep.json}, every finished trial's rows in {@code results.csv} and
 * {@code results.parquet}; resumable, and a failing trial never stops the others.
 */
package org.relief.spark.sweep;
