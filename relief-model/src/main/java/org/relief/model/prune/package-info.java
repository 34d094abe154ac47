/**
 * The NNrelief pruning step (DESIGN.md "The algorithm"): mergeable activity statistics,
 * connection scores, cumulative-alpha selection, dead units, the backward walk, and masks as
 * a first-class value.
 *
 * <p>Data flow of one step ({@link org.relief.model.prune.PruningStep}):
 * {@code ActivitySource → ActivityStats → ConnectionScores → MaskSelector → NetworkMasks →
 * BackwardWalk}. Only the first arrow touches data; a Spark job can stand in for it.
 */
package org.relief.model.prune;
