/// A child that could not be started: the program and the system's reason, for the caller to wrap
/// in its own error type (a workflow task's `States.TaskFailed`, a step's failure, a dead letter).
public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    public var executable: String
    public var code: Int32
    /// strerror's text for `code`, such as "No such file or directory".
    public var reason: String

    public init(executable: String, code: Int32, reason: String) {
        self.executable = executable
        self.code = code
        self.reason = reason
    }

    public var description: String { "cannot start '\(executable)': \(reason)" }
}
