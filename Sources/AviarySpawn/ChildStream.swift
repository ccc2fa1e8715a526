/// Where one of a child's standard streams goes.
public enum ChildStream: Sendable, Equatable {
    /// /dev/null.
    case null
    /// This process's own stream of the same number.
    case inherit
    /// A file: read for standard input; created if missing and appended to for output.
    case file(String)
    /// A pipe whose other end the `RunningChild` holds.
    case pipe
    /// Standard error only: the same place as standard output (`2>&1`).
    case standardOutput
}
