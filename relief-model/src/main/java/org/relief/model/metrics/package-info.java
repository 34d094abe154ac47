/**
 * Accounting of a pruned network (DESIGN.md "Accounting"): remaining weights and biases per
 * layer and in total, the surviving architecture, FLOPs.
 */
package org.relief.model.metrics;
