import Foundation

/// One execution of a definition version (`workflow.execution` records), shaped like AWS's
/// DescribeExecution: input and output are JSON text.
public struct WorkflowExecution: Codable, Sendable, Equatable {
    public static let recordKind = "workflow.execution"

    public var name: String
    public var stateMachine: String
    public var version: Int
    public var status: WorkflowExecutionStatus
    public var input: String
    public var output: String?
    public var error: String?
    public var cause: String?
    public var startDate: Date
    public var stopDate: Date?
    /// The process running it, so `stop` and `resume` can tell a live runner from a crashed one.
    public var runner: WorkflowRunnerIdentity?

    /// The subject of its history entries and event-log events.
    public var subject: String { Self.subject(name) }
    public static func subject(_ name: String) -> String { "\(recordKind)/\(name)" }
}

/// Which process on which host runs an execution.
public struct WorkflowRunnerIdentity: Codable, Sendable, Equatable {
    public var host: String
    public var pid: Int32

    public static var current: WorkflowRunnerIdentity {
        WorkflowRunnerIdentity(host: ProcessInfo.processInfo.hostName, pid: getpid())
    }

    /// Whether the runner is known to be gone: same host and no such process. A runner on another
    /// host cannot be checked from here, so it counts as alive.
    public var isGone: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

extension Date {
    /// Records store dates as ISO 8601 without fractions; execution dates are cut to whole seconds up
    /// front so an execution in memory equals the one read back. History events keep milliseconds.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
