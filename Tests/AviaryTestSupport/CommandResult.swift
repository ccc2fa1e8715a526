import AviaryCore
import AviarySpawn
import Foundation

/// The outcome of running a program to its end.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// Runs the `aviary` executable that SwiftPM built beside the tests, as a real child process.
public enum AviaryProcess {
    public static var executable: URL { PackagePaths.buildProducts.appendingPathComponent("aviary") }

    /// Runs `aviary arguments…` in `directory` with `environment` added to a clean environment and waits for it.
    ///
    /// `ChildProcess` (posix_spawn, waitpid on the child's pid, polled with `Task.sleep`) rather than
    /// Foundation.Process, whose `waitUntilExit` once waited forever for a child that had exited, and
    /// files rather than pipes for the streams, which Foundation's handles crashed reading
    /// (swiftlang/swift#57827). The wait holds no thread of Swift's cooperative pool.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                           standardInput: Data? = nil) async throws -> CommandResult {
        let streams = TemporaryDirectory("streams")
        defer { try? FileManager.default.removeItem(at: streams.url) }
        let input = try streams.write("stdin", standardInput ?? Data())
        let output = streams.file("stdout"), error = streams.file("stderr")
        let child = ChildProcess(arguments: [executable.path] + arguments, environment: cleanEnvironment(adding: environment),
                                 workingDirectory: directory, logFile: output, errorFile: error, inputFile: input)
        let status = try await child.run()
        return CommandResult(status: status,
                             standardOutput: String(decoding: try Data(contentsOf: output), as: UTF8.self),
                             standardError: String(decoding: try Data(contentsOf: error), as: UTF8.self))
    }

    /// A new folder made into a project by the real `aviary init`.
    public static func initializedProject() async throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        let result = try await run(["init"], in: directory.url)
        guard result.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: result.standardError]) }
        return directory
    }

    /// Runs blocking work (process waits, pipe reads) on a dispatch queue and resumes with its result.
    public static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Starts `aviary arguments…` for a test that watches, signals or kills it while it runs. Standard
    /// output goes where the test asks (a pipe it reads as the run goes, say); standard error to /dev/null.
    public static func start(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                             standardOutput: ChildStream = .null) throws -> RunningChild {
        try ChildProcess.start(arguments: [executable.path] + arguments, environment: cleanEnvironment(adding: environment),
                               workingDirectory: directory, standardOutput: standardOutput, standardError: .null)
    }

    /// PATH and HOME from the test process, and nothing else of its environment.
    static func cleanEnvironment(adding environment: [String: String]) -> [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
         "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"].merging(environment) { $1 }
    }
}
