import Dispatch
import Synchronization

/// Time spent inside oneDNN's calls: primitive executions (reorders included) and the engine's
/// `dnnl_sgemm` calls, so that a benchmark can tell the kernels from the Swift around them. At
/// batch 1 that split is the whole story (EfficientNet-Lite0: about 0.4 ms a pass outside 5 ms of
/// calls, on one thread or two; `docs/engine.md`, "Batch 1 from inside the process").
///
/// Off until `start()`; then each call reads the clock twice. Calls that run inside the engine's
/// own parallel regions (the tiled batch-norm backward's per-thread sgemm) are not counted, so a
/// reading never adds up time that threads spent side by side.
public enum DNNLCallClock {
    private static let running = Atomic<Bool>(false)
    private static let nanoseconds = Atomic<UInt64>(0)
    private static let calls = Atomic<Int>(0)

    /// Zeroes the reading and starts counting.
    public static func start() {
        nanoseconds.store(0, ordering: .relaxed)
        calls.store(0, ordering: .relaxed)
        running.store(true, ordering: .relaxed)
    }

    public static func stop() {
        running.store(false, ordering: .relaxed)
    }

    /// Seconds inside oneDNN's calls and how many calls, since `start()`.
    public static var reading: (seconds: Double, calls: Int) {
        (Double(nanoseconds.load(ordering: .relaxed)) / 1e9, calls.load(ordering: .relaxed))
    }

    /// Runs one oneDNN call, timed while the clock runs.
    @inline(__always)
    static func timing<T>(_ call: () throws -> T) rethrows -> T {
        guard running.load(ordering: .relaxed) else { return try call() }
        let begin = DispatchTime.now().uptimeNanoseconds
        defer {
            nanoseconds.wrappingAdd(DispatchTime.now().uptimeNanoseconds &- begin, ordering: .relaxed)
            calls.wrappingAdd(1, ordering: .relaxed)
        }
        return try call()
    }
}
