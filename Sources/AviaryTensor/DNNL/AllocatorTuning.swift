import CDNNL

/// Keeps freed tensor memory in the C heap for reuse instead of handing it back to the kernel.
///
/// Every op returns a fresh Swift array. glibc serves large ones with mmap and unmaps them on
/// free, so each of the hundreds of activation-sized arrays in a training step faulted in and
/// zeroed every page again: a third of an EfficientNet-Lite0 step (batch 8, perf) was page-fault
/// handling in the kernel. With mmap off and a high trim threshold, freed arrays are reused from
/// the heap. Measured, 2 threads, EfficientNet-Lite0 batch 32 training: 12.4–13.3 s against
/// 17.6–20.6 s with only a raised mmap threshold; peak memory unchanged (3.48 vs 3.50 GB).
/// The cost: the process keeps its peak heap resident after a large pass (not its peak, which is
/// the same). Process-wide, done once, before the first kernel runs; glibc only.
enum AllocatorTuning {
    static let applied: Bool = {
        #if os(Linux)
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        return true
        #else
        return false
        #endif
    }()

    /// Hands the heap's free pages back to the kernel (`malloc_trim`), which the tuning above
    /// otherwise never does: after a large model is dropped, its activations' pages would stay
    /// resident. Costs a walk of the heap; call between workloads, not per step.
    static func returnFreeMemory() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
