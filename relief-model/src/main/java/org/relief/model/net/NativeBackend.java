package org.relief.model.net;

import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/** Which ND4J native build this JVM loaded and how many threads it uses, for benchmark lines and logs. */
public final class NativeBackend {
  /** nd4j-native-&lt;version&gt;-&lt;classifier&gt;.jar in JavaCPP's cache path. */
  private static final java.util.regex.Pattern JAR =
      java.util.regex.Pattern.compile("nd4j-native-[0-9.]+(?:-M[0-9.]+)?-([A-Za-z0-9_.-]+?)\\.jar");

  private NativeBackend() {}

  /**
   * The classifier of the nd4j-native jar the library came from (e.g. {@code linux-x86_64},
   * {@code linux-x86_64-onednn-avx2}), read off JavaCPP's cache path; "unknown" otherwise.
   */
  public static String variant() {
    Nd4j.create(1); // make sure the backend is loaded
    for (Map.Entry<String, String> lib : Loader.getLoadedLibraries().entrySet()) {
      java.util.regex.Matcher m = JAR.matcher(String.valueOf(lib.getValue()));
      if (String.valueOf(lib.getValue()).contains("nd4jcpu") && m.find()) {
        return m.group(1);
      }
    }
    return "unknown";
  }

  public static int threads() {
    return Nd4j.getEnvironment().maxThreads();
  }

  /**
   * "natives=&lt;variant&gt; threads=&lt;n&gt; spin=&lt;{@link OpenMpThreads#spinRounds}&gt;
   * helpers=&lt;{@link OneDnnHelpers#inUse}&gt;", for run logs, and for a network with
   * convolutions what its training form runs them on: " training-convolutions=ConvolutionPrimitives"
   * (Relief's own oneDNN primitives) or "=dl4j".
   */
  public static String describe(org.deeplearning4j.nn.api.Model model) {
    org.deeplearning4j.nn.api.Layer[] layers = model instanceof org.deeplearning4j.nn.graph.ComputationGraph g
        ? g.getLayers()
        : model instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork m ? m.getLayers()
        : new org.deeplearning4j.nn.api.Layer[0];
    boolean convolutions = java.util.Arrays.stream(layers)
        .anyMatch(l -> l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer);
    return "natives=" + variant() + " threads=" + threads() + " spin=" + OpenMpThreads.spinRounds() + " helpers="
        + OneDnnHelpers.inUse(model)
        + (convolutions ? " training-convolutions=" + (OneDnn.available() ? "ConvolutionPrimitives" : "dl4j") : "");
  }
}
