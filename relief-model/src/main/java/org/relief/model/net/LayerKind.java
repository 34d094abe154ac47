package org.relief.model.net;

/** The two kinds of layer NNrelief scores. */
public enum LayerKind {
  /** Fully connected: a connection is one weight. */
  DENSE,
  /** 2-D convolution: a connection is a whole kernel slice {@code K[j, i, :, :]}. */
  CONV
}
