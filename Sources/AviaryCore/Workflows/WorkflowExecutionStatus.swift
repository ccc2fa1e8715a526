/// An execution's lifecycle, with AWS's status names. RUNNING is the only non-terminal status:
/// an execution leaves it exactly once, and the event log gets one event for each status it enters.
public enum WorkflowExecutionStatus: String, Codable, Sendable, CaseIterable {
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case aborted = "ABORTED"

    public var isTerminal: Bool { self != .running }

    /// The event-log type announcing that an execution entered this status.
    public var eventType: String {
        switch self {
        case .running: "workflow.execution.started"
        case .succeeded: "workflow.execution.succeeded"
        case .failed: "workflow.execution.failed"
        case .timedOut: "workflow.execution.timed_out"
        case .aborted: "workflow.execution.aborted"
        }
    }

    /// Parses `--status`, accepting AWS's spelling in any case (`succeeded`, `TIMED_OUT`).
    public init?(argument: String) {
        self.init(rawValue: argument.uppercased().replacingOccurrences(of: "-", with: "_"))
    }
}
