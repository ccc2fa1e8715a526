import Foundation

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
