package org.relief.model.net;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_impl_info_str;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.nd4j.linalg.api.memory.pointers.PagedPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Relief's own handle on oneDNN (the JavaCPP build of oneDNN 2.5, beside the oneDNN 2.3 that
 * libnd4j links in and hides): one CPU engine, a stream per thread, and the small pieces every
 * primitive needs. Why a second oneDNN: libnd4j's convolution call picks its algorithm, formats and
 * reorders afresh on every call, and for VGG's convolutions that cost ~1.9× what the same
 * primitives cost called directly (BENCHMARKS.md, issue 8).
 *
 * <p>{@link #available()} is false (and Relief keeps DL4J's convolution) when the library does
 * not load on this machine or {@code -Drelief.onednn=false} is set.
 */
final class OneDnn {
  /** System property that switches Relief's own oneDNN convolutions off ({@code false}). */
  static final String PROPERTY = "relief.onednn";

  /** Memory handle that asks oneDNN to allocate (DNNL_MEMORY_ALLOCATE). */
  private static final Pointer ALLOCATE = new PagedPointer(-1L);

  private static final class Library {
    static final dnnl_engine ENGINE;
    static final dnnl_primitive_attr USER_SCRATCHPAD;
    static final Throwable FAILURE;

    static {
      dnnl_engine engine = null;
      dnnl_primitive_attr attr = null;
      Throwable failure = null;
      try {
        dnnl_engine e = new dnnl_engine();
        check(dnnl_engine_create(e, dnnl_cpu, 0), "creating the CPU engine");
        dnnl_primitive_attr a = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(a), "creating primitive attributes");
        check(dnnl_primitive_attr_set_scratchpad_mode(a, dnnl_scratchpad_mode_user), "asking for a user scratchpad");
        engine = e;
        attr = a;
      } catch (Throwable t) { // UnsatisfiedLinkError on a machine the natives do not fit
        failure = t;
        org.slf4j.LoggerFactory.getLogger(OneDnn.class).warn(
            "oneDNN (org.bytedeco:dnnl) did not load; convolutions train on DL4J's kernels, slower: {}", t.toString());
      }
      ENGINE = engine;
      USER_SCRATCHPAD = attr;
      FAILURE = failure;
    }
  }

  private static final ThreadLocal<dnnl_stream> STREAM = ThreadLocal.withInitial(() -> {
    dnnl_stream s = new dnnl_stream();
    check(dnnl_stream_create(s, engine(), dnnl_stream_default_flags), "creating a stream");
    return s;
  });

  /**
   * Buffers a thread's primitives share (they run one at a time): the scratchpad, and the
   * oneDNN-layout copies an operand needs only while one layer's primitive runs ({@link #shared}).
   */
  enum Shared { SCRATCHPAD, OUTPUT, GRADIENT_IN, GRADIENT_OUT, INPUT_AGAIN }

  private static final ThreadLocal<BytePointer[]> SHARED =
      ThreadLocal.withInitial(() -> new BytePointer[Shared.values().length]);
  private static final int ALIGNMENT = 64;

  private OneDnn() {}

  /**
   * Attributes for primitives whose scratchpad the caller passes ({@link #shared}): by
   * default each primitive owns one, and Winograd's hold the transformed tiles of a whole batch —
   * VGG-like's thirty training primitives held ~3.4 GB that way (BENCHMARKS.md).
   */
  static dnnl_primitive_attr userScratchpad() {
    engine();
    return Library.USER_SCRATCHPAD;
  }

  /**
   * At least {@code bytes} of this thread's buffer {@code which}, 64-byte aligned: grows to the
   * largest request and is kept for the thread's life.
   */
  static Pointer shared(Shared which, long bytes) {
    BytePointer[] held = SHARED.get();
    int i = which.ordinal();
    if (held[i] == null || held[i].capacity() < bytes + ALIGNMENT) {
      if (held[i] != null) {
        held[i].deallocate();
      }
      held[i] = new BytePointer(bytes + ALIGNMENT);
    }
    long address = held[i].address();
    return new PagedPointer((address + ALIGNMENT - 1) & -ALIGNMENT);
  }

  /** Whether Relief's own oneDNN primitives can run here (and are not switched off). */
  static boolean available() {
    return !"false".equalsIgnoreCase(System.getProperty(PROPERTY)) && Library.FAILURE == null;
  }

  /** Why {@link #available()} is false because of the library, or null. */
  static Throwable loadFailure() {
    return Library.FAILURE;
  }

  static dnnl_engine engine() {
    if (Library.FAILURE != null) {
      throw new IllegalStateException("oneDNN did not load", Library.FAILURE);
    }
    return Library.ENGINE;
  }

  static dnnl_stream stream() {
    return STREAM.get();
  }

  static void check(int status, String what) {
    if (status != dnnl_success) {
      throw new IllegalStateException("oneDNN failed " + what + " (status " + status + ")");
    }
  }

  /** A float32 memory descriptor of {@code dims} in layout {@code tag} (a dnnl_format_tag_t, or any). */
  static dnnl_memory_desc_t desc(long[] dims, int tag) {
    dnnl_memory_desc_t md = new dnnl_memory_desc_t();
    try (LongPointer d = new LongPointer(dims)) {
      check(dnnl_memory_desc_init_by_tag(md, dims.length, d, dnnl_f32, tag), "describing memory");
    }
    return md;
  }

  /** Memory oneDNN allocates and owns, laid out as {@code md}. */
  static dnnl_memory allocated(dnnl_memory_desc_t md) {
    dnnl_memory m = new dnnl_memory();
    check(dnnl_memory_create(m, md, engine(), ALLOCATE), "allocating memory");
    return m;
  }

  /** Memory over an ND4J array's buffer, set with {@link #handle} before each use. */
  static dnnl_memory user(dnnl_memory_desc_t md) {
    dnnl_memory m = new dnnl_memory();
    check(dnnl_memory_create(m, md, engine(), (Pointer) null), "describing user memory");
    return m;
  }

  /**
   * The address of {@code a}'s first element, for oneDNN to read or write in place: {@code a}
   * must be float32 and packed in c order (a parameter view into the flat parameter buffer is).
   */
  static Pointer handle(INDArray a) {
    if (!ChannelPlanes.isFloatRun(a)) {
      throw new IllegalArgumentException("oneDNN reads packed float32 arrays in place, got " + a.dataType()
          + " with shape " + java.util.Arrays.toString(a.shape()) + " strides " + java.util.Arrays.toString(a.stride()));
    }
    // a view's buffer is usually itself a view that starts at the array's offset (a parameter's, e.g.)
    long elements = a.offset() - a.data().offset();
    return new PagedPointer(a.data().addressPointer().address() + elements * Float.BYTES);
  }

  /** Points user memory {@code m} at {@code a}'s values ({@link #handle}). */
  static void point(dnnl_memory m, INDArray a) {
    check(dnnl_memory_set_data_handle(m, handle(a)), "setting a data handle");
  }


  static dnnl_primitive primitive(dnnl_primitive_desc pd, String what) {
    dnnl_primitive p = new dnnl_primitive();
    check(dnnl_primitive_create(p, pd), "creating " + what);
    return p;
  }

  /** oneDNN's name for the implementation a primitive descriptor picked (e.g. jit_wino_4x3:avx512_core). */
  static String implementation(dnnl_primitive_desc pd) {
    try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
      check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, out), "querying the implementation");
      return out.get(BytePointer.class, 0).getString();
    }
  }
}
