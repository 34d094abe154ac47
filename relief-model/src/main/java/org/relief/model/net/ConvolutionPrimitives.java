package org.relief.model.net;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_auto;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nChw16c;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nchw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One convolution's oneDNN primitives for one input shape: forward, backward data (∂L/∂x) and
 * backward weights (∂L/∂W, ∂L/∂b), created once and reused every step. ND4J's arrays stay in
 * their layouts (activations NCHW or in channel blocks, {@link Shape#input}, {@link
 * Shape#output}; [F, C, kh, kw] kernels, c order) and are read and written in place; oneDNN picks the algorithm ({@code convolution_auto}: Winograd where it pays; direct
 * on an image's few channels, {@link #algorithm}) and its own blocked layouts, and each operand
 * is reordered between the two only where they differ. A layout an earlier primitive of the same
 * step already produced is reused: the backward primitives read the kernels, and the weight
 * gradient the input, as the forward pass reordered them (DL4J runs a layer's forward pass before
 * its backward pass, with the same parameters).
 */
final class ConvolutionPrimitives implements AutoCloseable {
  static final String ALGORITHM_PROPERTY = "relief.onednn.algorithm";
  /** Input channels below which the forward and backward-data convolutions run direct rather than as oneDNN chooses ({@link #algorithm}). */
  static final int WINOGRAD_MIN_CHANNELS = 32;
  /** Input channels below which the backward-weights convolution runs direct ({@link #algorithm}). */
  static final int WINOGRAD_WEIGHTS_MIN_CHANNELS = 16;
  private static final Cleaner CLEANER = Cleaner.create();

  /**
   * The shapes a set of primitives is made for (explicit padding; {@code padBottom},
   * {@code padRight} are what the output size leaves, which is less than the top/left padding
   * for strided layers), and how the input and output activations (and their gradients) lie.
   */
  record Shape(long n, long channels, long h, long w, long filters, long kh, long kw, long strideH, long strideW,
      long padTop, long padLeft, long outH, long outW, boolean bias, ActivationLayout input, ActivationLayout output) {
    long padBottom() {
      return (outH - 1) * strideH + kh - h - padTop;
    }

    long padRight() {
      return (outW - 1) * strideW + kw - w - padLeft;
    }
  }

  /** Native objects to destroy when the primitives are unreachable. */
  private static final class Natives implements Runnable {
    final List<dnnl_primitive> primitives = new ArrayList<>();
    final List<dnnl_primitive_desc> descs = new ArrayList<>();
    final List<dnnl_memory> memories = new ArrayList<>();

    @Override
    public void run() {
      primitives.forEach(p -> dnnl_primitive_destroy(p));
      descs.forEach(d -> dnnl_primitive_desc_destroy(d));
      memories.forEach(m -> dnnl_memory_destroy(m));
    }
  }

  /**
   * An ND4J array as a primitive sees it: memory over the array's buffer and, when the
   * primitive wants another layout, memory of that layout and the reorder between them.
   */
  private final class Operand {
    final dnnl_memory user;
    final dnnl_memory inside;
    private final dnnl_primitive reorder;
    private final dnnl_exec_arg_t reorderArgs;
    /** Where {@link #inside} lives when it is needed only while this layer's primitive runs; null: its own buffer. */
    private final OneDnn.Shared sharedAs;
    private final long insideBytes;

    /**
     * {@code toPrimitive}: the reorder runs from the array into the primitive's layout, else
     * back; {@code sharedAs}: the primitive's copy lives in that buffer of the thread, or in
     * one of its own (null) when it must outlast the primitive (the forward pass's input,
     * read again by the weight gradient; the kernels, read again by the input gradient).
     */
    Operand(dnnl_memory_desc_t userMd, dnnl_memory_desc_t primitiveMd, boolean toPrimitive, OneDnn.Shared sharedAs) {
      user = keep(OneDnn.user(userMd));
      if (dnnl_memory_desc_equal(userMd, primitiveMd) != 0) {
        inside = user;
        reorder = null;
        reorderArgs = null;
        this.sharedAs = null;
        insideBytes = 0;
      } else {
        this.sharedAs = sharedAs;
        insideBytes = dnnl_memory_desc_get_size(primitiveMd);
        inside = keep(sharedAs == null ? OneDnn.allocated(primitiveMd) : OneDnn.user(primitiveMd));
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        dnnl_memory_desc_t from = toPrimitive ? userMd : primitiveMd;
        dnnl_memory_desc_t to = toPrimitive ? primitiveMd : userMd;
        OneDnn.check(dnnl_reorder_primitive_desc_create(pd, from, OneDnn.engine(), to, OneDnn.engine(), null),
            "describing a reorder");
        natives.descs.add(pd);
        reorder = keep(OneDnn.primitive(pd, "a reorder"));
        reorderArgs = args(DNNL_ARG_FROM, toPrimitive ? user : inside, DNNL_ARG_TO, toPrimitive ? inside : user);
      }
    }

    /** Points the operand at {@code a} and, if the primitive reads another layout, reorders into it. */
    void read(INDArray a) {
      point(a);
      if (reorder != null) {
        execute(reorder, reorderArgs);
      }
    }

    /** Points the operand at {@code a} (and a shared copy at this thread's buffer): before the primitive runs. */
    void point(INDArray a) {
      OneDnn.point(user, a);
      if (sharedAs != null) {
        OneDnn.check(dnnl_memory_set_data_handle(inside, OneDnn.shared(sharedAs, insideBytes)), "setting a data handle");
      }
    }

    /** After the primitive wrote {@link #inside}: into the array last {@linkplain #point pointed} at. */
    void write() {
      if (reorder != null) {
        execute(reorder, reorderArgs);
      }
    }
  }

  /** A convolution primitive, its arguments and the size of the scratchpad it needs ({@link OneDnn#shared}). */
  private final class Step {
    final dnnl_primitive primitive;
    final dnnl_exec_arg_t args;
    private final dnnl_memory scratch;
    private final long scratchBytes;

    Step(dnnl_primitive_desc pd, String what, Object... kindsAndMemories) {
      primitive = keep(OneDnn.primitive(pd, what));
      dnnl_memory_desc_t md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
      scratchBytes = md == null ? 0 : dnnl_memory_desc_get_size(md);
      if (scratchBytes > 0) {
        scratch = keep(OneDnn.user(md));
        Object[] withScratch = java.util.Arrays.copyOf(kindsAndMemories, kindsAndMemories.length + 2);
        withScratch[kindsAndMemories.length] = DNNL_ARG_SCRATCHPAD;
        withScratch[kindsAndMemories.length + 1] = scratch;
        args = args(withScratch);
      } else {
        scratch = null;
        args = args(kindsAndMemories);
      }
    }

    void run() {
      if (scratch != null) {
        OneDnn.check(dnnl_memory_set_data_handle(scratch, OneDnn.shared(OneDnn.Shared.SCRATCHPAD, scratchBytes)),
            "setting the scratchpad");
      }
      execute(primitive, args);
    }
  }

  private final Shape shape;
  private final Natives natives = new Natives();
  private final Cleaner.Cleanable cleanable;

  private final Operand src;
  private final Operand weights;
  private final dnnl_memory bias;
  private final Operand dst;
  private final Step forward;

  private final Operand diffDst;
  private final Operand weightsForData;
  private final Operand diffSrc;
  private final Step backwardData;

  private final Operand srcForWeights;
  private final Operand diffDstForWeights;
  private final Operand diffWeights;
  private final dnnl_memory diffBias;
  private final Step backwardWeights;
  private final String implementation;

  ConvolutionPrimitives(Shape s) {
    shape = s;
    cleanable = CLEANER.register(this, natives);
    dnnl_memory_desc_t srcPlain = OneDnn.desc(new long[] {s.n(), s.channels(), s.h(), s.w()}, formatOf(s.input()));
    dnnl_memory_desc_t dstPlain = OneDnn.desc(new long[] {s.n(), s.filters(), s.outH(), s.outW()}, formatOf(s.output()));
    dnnl_memory_desc_t weightsPlain = OneDnn.desc(new long[] {s.filters(), s.channels(), s.kh(), s.kw()}, dnnl_oihw);
    dnnl_memory_desc_t biasPlain = s.bias() ? OneDnn.desc(new long[] {s.filters()}, dnnl_x) : null;
    dnnl_memory_desc_t srcAny = OneDnn.desc(new long[] {s.n(), s.channels(), s.h(), s.w()}, dnnl_format_tag_any);
    dnnl_memory_desc_t dstAny = OneDnn.desc(new long[] {s.n(), s.filters(), s.outH(), s.outW()}, dnnl_format_tag_any);
    dnnl_memory_desc_t weightsAny = OneDnn.desc(new long[] {s.filters(), s.channels(), s.kh(), s.kw()}, dnnl_format_tag_any);

    try (LongPointer strides = new LongPointer(s.strideH(), s.strideW());
        LongPointer padL = new LongPointer(s.padTop(), s.padLeft());
        LongPointer padR = new LongPointer(s.padBottom(), s.padRight())) {
      dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
      OneDnn.check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, algorithm(s, WINOGRAD_MIN_CHANNELS), srcAny,
          weightsAny, biasPlain, dstAny, strides, padL, padR), "describing the forward convolution " + s);
      dnnl_primitive_desc fpd = describe(fd, null, "forward convolution");

      dnnl_convolution_desc_t bdd = new dnnl_convolution_desc_t();
      OneDnn.check(dnnl_convolution_backward_data_desc_init(bdd, algorithm(s, WINOGRAD_MIN_CHANNELS), srcAny, weightsAny, dstAny,
          strides, padL, padR), "describing the backward-data convolution " + s);
      dnnl_primitive_desc bdpd = describe(bdd, fpd, "backward-data convolution");

      dnnl_convolution_desc_t bwd = new dnnl_convolution_desc_t();
      OneDnn.check(dnnl_convolution_backward_weights_desc_init(bwd, algorithm(s, WINOGRAD_WEIGHTS_MIN_CHANNELS), srcAny, weightsAny,
          biasPlain, dstAny, strides, padL, padR), "describing the backward-weights convolution " + s);
      dnnl_primitive_desc bwpd = describe(bwd, fpd, "backward-weights convolution");

      src = new Operand(srcPlain, dnnl_primitive_desc_query_md(fpd, dnnl_query_src_md, 0), true, null);
      weights = new Operand(weightsPlain, dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0), true, null);
      bias = s.bias() ? keep(OneDnn.user(biasPlain)) : null;
      dst = new Operand(dstPlain, dnnl_primitive_desc_query_md(fpd, dnnl_query_dst_md, 0), false, OneDnn.Shared.OUTPUT);
      forward = s.bias()
          ? new Step(fpd, "the forward convolution", DNNL_ARG_SRC, src.inside, DNNL_ARG_WEIGHTS, weights.inside,
              DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst.inside)
          : new Step(fpd, "the forward convolution", DNNL_ARG_SRC, src.inside, DNNL_ARG_WEIGHTS, weights.inside,
              DNNL_ARG_DST, dst.inside);

      diffDst = new Operand(dstPlain, dnnl_primitive_desc_query_md(bdpd, dnnl_query_diff_dst_md, 0), true,
          OneDnn.Shared.GRADIENT_IN);
      dnnl_memory_desc_t weightsMd = dnnl_primitive_desc_query_md(bdpd, dnnl_query_weights_md, 0);
      weightsForData = dnnl_memory_desc_equal(weightsMd, dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0)) != 0
          ? null : new Operand(weightsPlain, weightsMd, true, null);
      diffSrc = new Operand(srcPlain, dnnl_primitive_desc_query_md(bdpd, dnnl_query_diff_src_md, 0), false,
          OneDnn.Shared.GRADIENT_OUT);
      backwardData = new Step(bdpd, "the backward-data convolution", DNNL_ARG_DIFF_DST, diffDst.inside,
          DNNL_ARG_WEIGHTS, (weightsForData == null ? weights : weightsForData).inside, DNNL_ARG_DIFF_SRC, diffSrc.inside);

      dnnl_memory_desc_t srcMd = dnnl_primitive_desc_query_md(bwpd, dnnl_query_src_md, 0);
      srcForWeights = dnnl_memory_desc_equal(srcMd, dnnl_primitive_desc_query_md(fpd, dnnl_query_src_md, 0)) != 0
          ? null : new Operand(srcPlain, srcMd, true, OneDnn.Shared.INPUT_AGAIN);
      dnnl_memory_desc_t diffDstMd = dnnl_primitive_desc_query_md(bwpd, dnnl_query_diff_dst_md, 0);
      diffDstForWeights = dnnl_memory_desc_equal(diffDstMd, dnnl_primitive_desc_query_md(bdpd, dnnl_query_diff_dst_md, 0)) != 0
          ? null : new Operand(dstPlain, diffDstMd, true, OneDnn.Shared.OUTPUT);
      diffWeights = new Operand(weightsPlain, dnnl_primitive_desc_query_md(bwpd, dnnl_query_diff_weights_md, 0), false,
          null);
      diffBias = s.bias() ? keep(OneDnn.user(biasPlain)) : null;
      dnnl_memory srcW = (srcForWeights == null ? src : srcForWeights).inside;
      dnnl_memory diffDstW = (diffDstForWeights == null ? diffDst : diffDstForWeights).inside;
      backwardWeights = s.bias()
          ? new Step(bwpd, "the backward-weights convolution", DNNL_ARG_SRC, srcW, DNNL_ARG_DIFF_DST, diffDstW,
              DNNL_ARG_DIFF_WEIGHTS, diffWeights.inside, DNNL_ARG_DIFF_BIAS, diffBias)
          : new Step(bwpd, "the backward-weights convolution", DNNL_ARG_SRC, srcW, DNNL_ARG_DIFF_DST, diffDstW,
              DNNL_ARG_DIFF_WEIGHTS, diffWeights.inside);
      implementation = OneDnn.implementation(fpd) + " | " + OneDnn.implementation(bdpd) + " | "
          + OneDnn.implementation(bwpd);
    }
  }

  /**
   * {@code convolution_auto} (oneDNN's choice: Winograd for 3×3 stride-1 layers on this CPU)
   * except on inputs of fewer than {@code minChannels} channels, and {@code direct} everywhere
   * with {@code -Drelief.onednn.algorithm=direct}. Winograd's transforms do not pay for few
   * channels (oneDNN's verbose log, batch 120, activations in channel blocks): ResNet-20's stem
   * (3 channels) took 5.2 ms forward on Winograd against ~0.7 ms direct; its 16 → 16 layers on
   * 32×32 maps 4.17 ms forward and 3.84 ms backward data against 2.79 and 2.33 ms direct, but
   * their weight gradients 2.07 ms against 2.63 ms direct ({@link #WINOGRAD_MIN_CHANNELS},
   * {@link #WINOGRAD_WEIGHTS_MIN_CHANNELS}); its 32- and 64-channel layers run 1.2–1.7× longer
   * direct.
   */
  private static int algorithm(Shape s, int minChannels) {
    return "direct".equals(System.getProperty(ALGORITHM_PROPERTY)) || s.channels() < minChannels
        ? dnnl_convolution_direct : dnnl_convolution_auto;
  }

  /** oneDNN's format tag for activations in {@code layout}. */
  private static int formatOf(ActivationLayout layout) {
    return layout == ActivationLayout.PLANAR ? dnnl_nchw : dnnl_nChw16c;
  }

  Shape shape() {
    return shape;
  }

  /**
   * Frees the primitives and their buffers now (the garbage collector does not see their native
   * memory, a few times a batch's activations). Idempotent; unreachable primitives are freed too.
   */
  @Override
  public void close() {
    cleanable.clean();
  }

  /** oneDNN's implementations: forward | backward data | backward weights. */
  String implementation() {
    return implementation;
  }

  /** z = x ⋆ W + b; {@code b} null without bias. All arrays in DL4J's layouts, packed float32. */
  void forward(INDArray x, INDArray w, INDArray b, INDArray z) {
    src.read(x);
    weights.read(w);
    if (b != null) {
      OneDnn.point(bias, b);
    }
    dst.point(z);
    forward.run();
    dst.write();
    waitForStream();
  }

  /**
   * ∂L/∂x from δ = ∂L/∂z, with the kernels as {@link #forward} last reordered them (the
   * step's forward pass: same parameters).
   */
  void backwardData(INDArray delta, INDArray w, INDArray dx) {
    diffDst.read(delta);
    if (weightsForData != null) {
      weightsForData.read(w);
    }
    diffSrc.point(dx);
    backwardData.run();
    diffSrc.write();
    waitForStream();
  }

  /**
   * ∂L/∂W and ∂L/∂b (null without bias) from the input and δ. {@code sameInput}: {@code x} is
   * the input {@link #forward} last read, whose reordered copy is used; {@code deltaRead}: δ is
   * what {@link #backwardData} last read.
   */
  void backwardWeights(INDArray x, boolean sameInput, INDArray delta, boolean deltaRead, INDArray dw, INDArray db) {
    if (srcForWeights != null) {
      srcForWeights.read(x);
    } else if (!sameInput) {
      src.read(x);
    }
    if (diffDstForWeights != null) {
      diffDstForWeights.read(delta);
    } else if (!deltaRead) {
      diffDst.read(delta);
    }
    diffWeights.point(dw);
    if (db != null) {
      OneDnn.point(diffBias, db);
    }
    backwardWeights.run();
    diffWeights.write();
    waitForStream();
  }

  private dnnl_primitive_desc describe(dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, String what) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    OneDnn.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), OneDnn.userScratchpad(), OneDnn.engine(), hint),
        "finding an implementation of the " + what + " " + shape);
    natives.descs.add(pd);
    return pd;
  }

  private dnnl_memory keep(dnnl_memory m) {
    natives.memories.add(m);
    return m;
  }

  private dnnl_primitive keep(dnnl_primitive p) {
    natives.primitives.add(p);
    return p;
  }

  private static dnnl_exec_arg_t args(Object... kindsAndMemories) {
    int n = kindsAndMemories.length / 2;
    dnnl_exec_arg_t args = new dnnl_exec_arg_t(n);
    for (int i = 0; i < n; i++) {
      args.position(i).arg((Integer) kindsAndMemories[2 * i]).memory((dnnl_memory) kindsAndMemories[2 * i + 1]);
    }
    return args.position(0);
  }

  private static void execute(dnnl_primitive p, dnnl_exec_arg_t args) {
    OneDnn.check(dnnl_primitive_execute(p, OneDnn.stream(), (int) args.capacity(), args), "running a primitive");
  }

  private static void waitForStream() {
    OneDnn.check(dnnl_stream_wait(OneDnn.stream()), "waiting for the stream");
  }
}
