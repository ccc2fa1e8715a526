/// A run's lifecycle as a pure state machine: a run is running until it succeeds or fails. A run whose
/// process died stays running (its runner is gone) until `resume` finishes it.
public enum PipelineRunStatus: String, Codable, Sendable, CaseIterable {
    case running, succeeded, failed

    public var isTerminal: Bool { self != .running }

    public static func transition(from current: PipelineRunStatus, to next: PipelineRunStatus) throws(PipelineError) -> PipelineRunStatus {
        guard current == .running, next != .running else { throw .illegalRunTransition(from: current, to: next) }
        return next
    }
}
