/// An error in the ASL sense: a name that Retry and Catch match (`States.TaskFailed`, a
/// function's own error type…) and a human cause. Runtime failures detected while a state runs
/// are stated without the state; the interpreter adds AWS's "An error occurred while executing
/// the state 'X' (entered at the event id #N)." prefix.
public struct ASLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var name: String?
    public var cause: String?
    /// True when the cause still needs AWS's state prefix.
    var needsStatePrefix: Bool

    public init(name: String?, cause: String?) {
        self.name = name
        self.cause = cause
        self.needsStatePrefix = false
    }

    public var description: String {
        "\(name ?? "(no error name)"): \(cause ?? "(no cause)")"
    }

    /// A States.Runtime failure whose cause receives the state prefix.
    static func runtime(_ detail: String) -> ASLError {
        var e = ASLError(name: ErrorName.runtime, cause: detail)
        e.needsStatePrefix = true
        return e
    }

    static func intrinsic(_ detail: String) -> ASLError {
        var e = ASLError(name: ErrorName.intrinsicFailure, cause: detail)
        e.needsStatePrefix = true
        return e
    }

    func prefixed(state: String, enteredEventId: Int) -> ASLError {
        guard needsStatePrefix else { return self }
        let prefix = "An error occurred while executing the state '\(state)' (entered at the event id #\(enteredEventId))."
        return ASLError(name: name, cause: cause.map { "\(prefix) \($0)" } ?? prefix)
    }
}

/// The error names the States Language reserves.
public enum ErrorName {
    public static let all = "States.ALL"
    public static let taskFailed = "States.TaskFailed"
    public static let runtime = "States.Runtime"
    public static let timeout = "States.Timeout"
    public static let heartbeatTimeout = "States.HeartbeatTimeout"
    public static let dataLimitExceeded = "States.DataLimitExceeded"
    public static let intrinsicFailure = "States.IntrinsicFailure"
    public static let noChoiceMatched = "States.NoChoiceMatched"
    public static let parameterPathFailure = "States.ParameterPathFailure"
    public static let resultPathMatchFailure = "States.ResultPathMatchFailure"
    public static let itemReaderFailed = "States.ItemReaderFailed"
    public static let branchFailed = "States.BranchFailed"
    public static let permissions = "States.Permissions"
    public static let exceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
    public static let resultWriterFailed = "States.ResultWriterFailed"

    /// Errors that `States.ALL` does not catch: AWS treats them as terminal.
    static let terminal: Set<String> = [runtime, dataLimitExceeded]
}
