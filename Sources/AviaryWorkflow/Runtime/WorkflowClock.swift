import Foundation
import Synchronization

/// Time for Wait, Retry and timeouts. Inject `VirtualClock` in tests so waits take no real time.
public protocol WorkflowClock: Sendable {
    /// Seconds since 1970.
    func now() -> Double
    func sleep(seconds: Double) async throws
}

public struct SystemClock: WorkflowClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// A clock whose sleeps return at once and advance its time, so tests of Wait and Retry are
/// instantaneous and deterministic.
public final class VirtualClock: WorkflowClock {
    private let time: Mutex<Double>
    public init(start: Double = 1_700_000_000) { time = Mutex(start) }
    public func now() -> Double { time.withLock { $0 } }
    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        time.withLock { $0 += max(seconds, 0) }
        await Task.yield()
    }
}
