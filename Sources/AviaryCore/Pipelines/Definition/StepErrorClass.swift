/// The classes of step failure that retry rules name (`retry: [{on: [timeout, exit_code]}]`).
public enum StepErrorClass: String, Codable, Sendable, Hashable, CaseIterable {
    /// The step ran past its `timeout`.
    case timeout
    /// A script exited with a status other than 0, or was killed by a signal.
    case exitCode = "exit_code"
    /// Reading or writing files or the stores failed.
    case io
    /// The step's inputs are wrong: a missing output, a bad reference, a value of the wrong type.
    case input
    /// The runner has no executor for the step's kind.
    case unsupported
    /// A `fail` step, on purpose.
    case failed
    /// Anything else.
    case `internal`
    /// In a retry rule: every class that trying again can help with (not `input`, `unsupported`, `failed`).
    case all

    var isRetriableByAll: Bool {
        switch self {
        case .timeout, .exitCode, .io, .internal: true
        case .input, .unsupported, .failed, .all: false
        }
    }
}
