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

/// The shared state of one epoch, guarded by `condition`.
final class LoaderState: @unchecked Sendable {
    private let condition = NSCondition()
    private let batchCount: Int
    private let prefetch: Int
    private var nextToClaim = 0
    private var nextToYield = 0
    private var ready: [Int: Batch] = [:]
    private var cancelled = false
    private var running: Int
    var peakInFlight = 0

    /// `workers` counts the threads about to start; each calls `work` once.
    init(batchCount: Int, prefetch: Int, workers: Int) {
        self.batchCount = batchCount
        self.prefetch = prefetch
        self.running = workers
    }

    func withLock<T>(_ body: () -> T) -> T {
        condition.lock()
        defer { condition.unlock() }
        return body()
    }

    func work(build: (Int, ImageDecoder) -> Batch) {
        let decoder = ImageDecoder()
        while let position = claim() {
            let batch = build(position, decoder)
            condition.lock()
            ready[position] = batch
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch position to build, once the prefetch window allows it; nil when done.
    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextToClaim < batchCount && nextToClaim >= nextToYield + prefetch { condition.wait() }
        guard !cancelled && nextToClaim < batchCount else { return nil }
        let position = nextToClaim
        nextToClaim += 1
        peakInFlight = max(peakInFlight, nextToClaim - nextToYield)
        return position
    }

    func take() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        guard nextToYield < batchCount, !cancelled else { return nil }
        while ready[nextToYield] == nil { condition.wait() }
        let batch = ready.removeValue(forKey: nextToYield)
        nextToYield += 1
        condition.broadcast()
        return batch
    }

    /// Stops the workers and waits until every one has returned.
    func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        ready.removeAll()
        condition.unlock()
    }
}
