/**
 * Relief's algorithm module: NNrelief (Dekhovich et al., arXiv 2109.10795) in one JVM.
 *
 * <p>Nothing here imports Spark: the same pruning code runs in a unit test, inside a Spark
 * executor and on the driver. See {@code ../shared/DESIGN.md} for the algorithm.
 */
package org.relief.model;
