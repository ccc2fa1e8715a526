@testable import AviaryCore
import Dispatch
import Foundation
import Testing

/// Compute that blocks its thread must leave Swift's cooperative pool free for timeouts and servers.
@Suite struct ComputeThreadTests {
    @Test func theOperationRunsOnItsOwnQueueNotTheCooperativePool() async throws {
        let label = try await ComputeThread.run("label-check") { ComputeThread.currentLabel }
        #expect(label == "label-check")
        #expect(ComputeThread.currentLabel == nil)
    }

    /// More blocked computations than the pool has threads, each released only by a plain task: on the
    /// cooperative pool this would deadlock (until the waits time out); on compute threads it finishes.
    @Test func blockedComputationsLeaveThePoolFreeForOtherTasks() async throws {
        let count = ProcessInfo.processInfo.activeProcessorCount + 2
        let gate = DispatchSemaphore(value: 0)
        let outcomes = try await withThrowingTaskGroup(of: DispatchTimeoutResult.self) { group in
            for index in 0..<count {
                group.addTask { try await ComputeThread.run("blocked-\(index)") { gate.wait(timeout: .now() + 300) } }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(50))
                for _ in 0..<count { gate.signal() }
                return .success
            }
            return try await group.reduce(into: [DispatchTimeoutResult]()) { $0.append($1) }
        }
        #expect(outcomes.count == count + 1)
        #expect(outcomes.allSatisfy { $0 == .success }, "a computation waited until its timeout: the pool was blocked")
    }

    @Test func cancellationReachesTheOperation() async throws {
        let task = Task {
            try await ComputeThread.run("cancel") {
                while !Task.isCancelled { usleep(1_000) }
                return Task.isCancelled
            }
        }
        task.cancel()
        #expect(try await task.value)
    }
}
