/// Why a step attempt failed, classed so that retry rules can choose what to try again.
public struct StepFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var errorClass: StepErrorClass
    public var message: String

    public init(_ errorClass: StepErrorClass, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }

    public var description: String { "\(errorClass.rawValue): \(message)" }

    /// A kind the runner has no executor for (a runner built without the engine, say): a typed failure
    /// that names the step and the way out.
    public static func unsupported(step: String, kind: PipelineStepKind) -> StepFailure {
        StepFailure(.unsupported, "step '\(step)' is a \(kind.rawValue) step, which cannot run yet: this runner has no \(kind.rawValue) executor. "
            + "Use a script step for now (kind: script, command: [python3, \(kind.rawValue).py]); it gets its data as channels and "
            + "reports metrics through metrics.json")
    }
}
