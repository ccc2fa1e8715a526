import Foundation

/// Hands out an epoch's batches in order while worker threads build the next ones. Threads behind
/// one lock rather than tasks: decoding is blocking CPU work, and the consumer (a training loop)
/// is synchronous. The workers are always joined: at the end, or when the iterator is dropped.
public final class BatchIterator: IteratorProtocol, Sequence {
    private let state: LoaderState

    init(batchCount: Int, workers: Int, prefetch: Int, build: @escaping @Sendable (Int, ImageDecoder) -> Batch) {
        let workerCount = Swift.min(workers, Swift.max(batchCount, 1))
        state = LoaderState(batchCount: batchCount, prefetch: prefetch, workers: workerCount)
        for _ in 0..<workerCount {
            let thread = Thread { [state] in state.work(build: build) }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// The next batch in epoch order, waiting for it if a worker is still building it.
    public func next() -> Batch? { state.take() }

    /// The most batches that were ever being built or waiting at once (never above `prefetch`).
    public var peakInFlight: Int { state.withLock { state.peakInFlight } }
}
