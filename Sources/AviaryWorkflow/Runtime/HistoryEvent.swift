import Synchronization
import AviaryJSON

/// One entry of an execution's history, named and shaped like AWS's GetExecutionHistory
/// events so that persisted histories read like the ones users know.
public struct HistoryEvent: Sendable, Equatable {
    public let id: Int
    public let previousEventId: Int
    /// Seconds since 1970.
    public let timestamp: Double
    public let type: String
    public let details: Details
    /// Nesting of the event: empty at the top level, "MapState/3" inside iteration 3 of MapState.
    /// Not an AWS field: it lets resume find top-level progress.
    public let scope: String

    public enum Details: Sendable, Equatable {
        case none
        case executionStarted(input: JSONValue)
        case executionSucceeded(output: JSONValue)
        case executionFailed(error: String?, cause: String?)
        case stateEntered(name: String, input: JSONValue)
        case stateExited(name: String, output: JSONValue)
        case mapStarted(length: Int)
        case mapIteration(name: String, index: Int)
        case taskScheduled(resource: String, parameters: JSONValue, timeoutSeconds: Int?, heartbeatSeconds: Int?)
        case taskSucceeded(resource: String, output: JSONValue)
        case taskFailed(resource: String, error: String?, cause: String?)
        case failure(error: String?, cause: String?)
    }
}

/// AWS's event type names.
public enum HistoryEventType {
    public static let executionStarted = "ExecutionStarted"
    public static let executionSucceeded = "ExecutionSucceeded"
    public static let executionFailed = "ExecutionFailed"
    public static let executionTimedOut = "ExecutionTimedOut"
    public static let taskScheduled = "TaskScheduled"
    public static let taskStarted = "TaskStarted"
    public static let taskSucceeded = "TaskSucceeded"
    public static let taskFailed = "TaskFailed"
    public static let taskTimedOut = "TaskTimedOut"
    public static let mapStateStarted = "MapStateStarted"
    public static let mapStateSucceeded = "MapStateSucceeded"
    public static let mapStateFailed = "MapStateFailed"
    public static let mapIterationStarted = "MapIterationStarted"
    public static let mapIterationSucceeded = "MapIterationSucceeded"
    public static let mapIterationFailed = "MapIterationFailed"
    public static let mapRunStarted = "MapRunStarted"
    public static let mapRunSucceeded = "MapRunSucceeded"
    public static let mapRunFailed = "MapRunFailed"
    public static let parallelStateStarted = "ParallelStateStarted"
    public static let parallelStateSucceeded = "ParallelStateSucceeded"
    public static let parallelStateFailed = "ParallelStateFailed"
    public static let waitStateAborted = "WaitStateAborted"

    public static func entered(_ stateType: String) -> String { "\(stateType)StateEntered" }
    public static func exited(_ stateType: String) -> String { "\(stateType)StateExited" }
}

/// Where the executor sends each event as it happens; the platform persists them in order.
/// Called synchronously and in event-id order, so an implementation may simply append.
public protocol ExecutionHistorySink: Sendable {
    func record(_ event: HistoryEvent)
}

/// A sink that keeps events in memory, for tests and the CLI's `--history` output.
public final class InMemoryHistory: ExecutionHistorySink {
    private let storage = Mutex<[HistoryEvent]>([])
    public init() {}
    public func record(_ event: HistoryEvent) { storage.withLock { $0.append(event) } }
    public var events: [HistoryEvent] { storage.withLock { $0 } }
}

/// A sink that drops everything, for benchmarks of the interpreter alone.
public struct DiscardingHistory: ExecutionHistorySink {
    public init() {}
    public func record(_ event: HistoryEvent) {}
}
