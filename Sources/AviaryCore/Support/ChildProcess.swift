import AviarySpawn
import Foundation

/// A command run in its own process group with its output appended to a log file. Cancelling the
/// task that waits for it kills the whole group (the command and everything it started) with SIGKILL,
/// which is how step timeouts stop a script and its children.
///
/// It starts through `Spawner` (posix_spawn, waitpid on the child's own pid), not Foundation.Process:
/// under many concurrent children, Foundation on Linux has left `waitUntilExit` waiting forever for a
/// child that had exited, and has trapped reading its pipes (swiftlang/swift#57827).
public struct ChildProcess: Sendable {
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: URL
    /// Standard output, appended to; standard error too unless `errorFile` is set.
    public var logFile: URL
    public var errorFile: URL?
    /// Standard input; /dev/null when nil.
    public var inputFile: URL?

    public init(arguments: [String], environment: [String: String], workingDirectory: URL, logFile: URL,
                errorFile: URL? = nil, inputFile: URL? = nil) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logFile = logFile
        self.errorFile = errorFile
        self.inputFile = inputFile
    }

    /// Runs to the end and returns the exit status (128 + the signal for a killed command).
    public func run() async throws -> Int32 {
        try await start().wait()
    }

    /// Starts the command and hands it back, for a caller that watches or signals it while it runs.
    public func start() throws -> RunningChild {
        try Self.start(arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                       standardInput: inputFile.map { .file($0.path) } ?? .null,
                       standardOutput: .file(logFile.path),
                       standardError: errorFile.map { .file($0.path) } ?? .standardOutput)
    }

    /// Starts `arguments` (the first looked up in the command's own PATH) in `workingDirectory`, with
    /// its streams wherever the caller wants them (a pipe to watch its output as it comes, say).
    public static func start(arguments: [String], environment: [String: String], workingDirectory: URL,
                             standardInput: ChildStream = .null, standardOutput: ChildStream,
                             standardError: ChildStream) throws -> RunningChild {
        // `cd` through the shell: posix_spawn has no portable working-directory action, and `exec`
        // searches the PATH the command is given, not ours.
        do {
            return try Spawner.spawn(executable: "/bin/sh", arguments: ["-c", "cd \"$0\" && exec \"$@\"", workingDirectory.path] + arguments,
                                     environment: environment, standardInput: standardInput,
                                     standardOutput: standardOutput, standardError: standardError)
        } catch {
            throw StepFailure(.internal, "cannot start \(arguments.first ?? "the command"): \(error.reason)")
        }
    }
}
