/**
 * Masked training on DL4J (DESIGN.md "Retraining"): pruned weights and biases stay exactly
 * zero through every update, with Adam or SGD with classic momentum, L2 weight decay and
 * multi-step learning-rate decay; checkpoint selection; accuracy.
 */
package org.relief.model.train;
