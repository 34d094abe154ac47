package org.relief.model.net;

import java.util.HashMap;
import java.util.List;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a {@link ForwardPass} keeps its activations: one ND4J workspace per thread, sized by the
 * first batch it holds and reused by every later one.
 *
 * <p>Why: DL4J's {@code feedForward} detaches every activation into a freshly allocated
 * off-heap array. For ResNet-20 at 200 CIFAR images that is ~0.5 GB of new memory per pass,
 * touched page by page, and it made a pruning step's two bare passes cost 2.5 plain inference
 * passes instead of 2 (docs/BENCHMARKS.md, issue 6). Layers allocate through the {@link
 * #manager()}, so everything a pass produces lands here; closing the pass resets the workspace
 * for the next one. The memory stays with the thread across the passes of a pruning step;
 * whoever runs a step and then other work on the thread (retraining, other Spark tasks) calls
 * {@link #release()}. Keeping it across steps instead saved ~6 % of a ResNet-20 step (the
 * first batch of a step allocates afresh), too little to hold a batch's activations, a GB or
 * more for the large networks, through retraining.
 */
public final class PassWorkspace {
  private static final String ACTIVATIONS = "relief-pass";
  private static final String WORKING = "relief-pass-working";
  private static final List<String> IDS = List.of(ACTIVATIONS, WORKING);
  private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policySpill(SpillPolicy.REALLOCATE) // a bigger batch or network later on the thread grows it
      .build();

  private PassWorkspace() {}

  /**
   * Opens and activates this thread's pass workspace; what is allocated until it closes lives
   * there. One pass at a time per thread: a second would reuse the first one's memory.
   */
  static MemoryWorkspace open() {
    if (Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(ACTIVATIONS)) {
      throw new IllegalStateException("a forward pass is still open on this thread; close it before starting another");
    }
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, ACTIVATIONS);
  }

  /** Puts a pass's activations (and layer inputs) in the pass workspace and each layer's scratch in its own. */
  static LayerWorkspaceMgr manager() {
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder()
        .with(ArrayType.ACTIVATIONS, ACTIVATIONS, CONFIG)
        .with(ArrayType.INPUT, ACTIVATIONS, CONFIG)
        .with(ArrayType.FF_WORKING_MEM, WORKING, CONFIG)
        .with(ArrayType.RNN_FF_LOOP_WORKING_MEM, WORKING, CONFIG)
        .build();
    mgr.setHelperWorkspacePointers(new HashMap<>()); // CPU layers keep no helper workspaces
    return mgr;
  }

  /**
   * Whether {@code mgr} is a pass's {@link #manager()}: its activations all stay in the pass
   * workspace until the pass closes, so a layer may hand on its input instead of copying it.
   */
  static boolean holdsEveryActivation(LayerWorkspaceMgr mgr) {
    return ACTIVATIONS.equals(mgr.getWorkspaceName(ArrayType.ACTIVATIONS));
  }

  /** Frees this thread's pass workspaces, if it has any; the next pass on the thread allocates them again. */
  public static void release() {
    for (String id : IDS) {
      if (Nd4j.getWorkspaceManager().checkIfWorkspaceExists(id)) {
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(id));
      }
    }
  }

  /** Whether this thread holds pass memory now. */
  public static boolean heldByThisThread() {
    return IDS.stream().anyMatch(Nd4j.getWorkspaceManager()::checkIfWorkspaceExists);
  }
}
