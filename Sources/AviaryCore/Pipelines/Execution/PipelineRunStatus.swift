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

/// A step's lifecycle as a pure state machine. A step waits (pending), then either runs, is taken from
/// the cache, or is skipped (its condition branch was not taken). A running step may start another
/// attempt (retry), and goes back to pending only when an interrupted run is resumed.
public enum PipelineStepStatus: String, Codable, Sendable, CaseIterable {
    case pending, running, succeeded, failed, cached, skipped

    /// Whether the step is done and its outputs (if any) can be used: it never runs again in this run.
    public var isFinished: Bool { self == .succeeded || self == .cached || self == .skipped }

    public static func transition(step: String, from current: PipelineStepStatus, to next: PipelineStepStatus) throws(PipelineError) -> PipelineStepStatus {
        switch (current, next) {
        case (.pending, .running), (.pending, .cached), (.pending, .skipped),
             (.running, .running), (.running, .succeeded), (.running, .failed), (.running, .pending):
            return next
        default:
            throw .illegalStepTransition(step: step, from: current, to: next)
        }
    }
}
