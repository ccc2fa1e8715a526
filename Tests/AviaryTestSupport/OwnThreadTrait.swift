import AviaryCore
import Testing

/// Runs a test whose outcome depends on timing (a timeout that must fire, a process that must be
/// killed midway) on a thread of its own. Swift Testing runs tests in parallel on the cooperative
/// pool, which has one thread per core; engine tests computing synchronously on both threads of a
/// 2-core machine once delayed a 1 s pipeline timeout by 220 s. Child tasks inherit the thread.
public struct OwnThreadTrait: TestTrait, TestScoping {
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await ComputeThread.run("test") { try await function() }
    }
}

extension Trait where Self == OwnThreadTrait {
    /// See `OwnThreadTrait`.
    public static var ownThread: Self { Self() }
}
