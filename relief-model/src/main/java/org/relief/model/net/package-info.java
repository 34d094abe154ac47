/**
 * Networks: the architectures Relief prunes, built in DL4J, and the description of their
 * prunable layers (shapes, how they feed each other) that the pruning step walks.
 */
package org.relief.model.net;
