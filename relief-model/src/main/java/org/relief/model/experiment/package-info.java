/**
 * The paper's experiment (DESIGN.md "What a user does"): train, then prune → (rewind) →
 * retrain → evaluate → record, for a number of iterations, into an output directory that is
 * committed atomically and resumes after a crash.
 */
package org.relief.model.experiment;
