import Dispatch

/// Long CPU-bound work (training, feature extraction, batch inference) runs on a thread of its own,
/// never on Swift's cooperative pool.
///
/// The cooperative pool has one thread per core: two on a small machine. A training loop that held one
/// of them for minutes left step timeouts, HTTP handlers and the workflow scheduler waiting for the
/// other, and with two trainings at once nothing else ran at all (a 1 s pipeline timeout fired after
/// 220 s). Work inside `run` still sees its task's cancellation, priority and task-locals, because it
/// stays in the same task: only the executor differs.
public enum ComputeThread {
    /// The label of the compute thread the caller runs on, or nil on any other thread.
    public static var currentLabel: String? { DispatchQueue.getSpecific(key: labelKey) }

    private static let labelKey = DispatchSpecificKey<String>()

    /// Runs `operation` with a task-executor preference for a fresh serial queue, so the synchronous
    /// parts of it occupy that queue's thread. Each call gets its own queue: two trainings in parallel
    /// do not wait on each other here (the engine's own lock orders their kernel calls).
    public static func run<Result>(_ label: String = "compute", isolation: isolated (any Actor)? = #isolation,
                                   _ operation: () async throws -> Result) async throws -> Result {
        let queue = DispatchQueue(label: "aviary.\(label)", qos: .userInitiated)
        queue.setSpecific(key: labelKey, value: label)
        let executor = QueueExecutor(queue)
        return try await withTaskExecutorPreference(executor, operation: operation)
    }
}

/// A task executor over one serial dispatch queue. A serial queue (unlike a concurrent one, which
/// shares the width-limited root queue with the cooperative pool) is given its own thread.
final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only state is an immutable reference to a DispatchQueue, which is thread-safe.
    private let queue: DispatchQueue

    init(_ queue: DispatchQueue) {
        self.queue = queue
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
