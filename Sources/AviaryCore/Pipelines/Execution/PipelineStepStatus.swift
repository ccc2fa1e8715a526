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
