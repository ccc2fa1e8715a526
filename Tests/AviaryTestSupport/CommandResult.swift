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
    /// The wait happens on a dispatch queue, not on the caller's thread: blocking Swift's cooperative pool
    /// (two threads on two cores) would stall every other test running in parallel.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
                           standardInput: Data? = nil) async throws -> CommandResult {
        try await offThePool { try runBlocking(arguments, in: directory, environment: environment, standardInput: standardInput) }
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

    /// The child's standard streams are files, not pipes: under many concurrent children,
    /// Foundation's pipe handles on Linux have crashed the test process with "Bad file
    /// descriptor" and "Interrupted system call" inside `readDataToEndOfFile`
    /// (swiftlang/swift#57827), and a file never fills up and stalls a chatty child either.
    static func runBlocking(_ arguments: [String], in directory: URL, environment: [String: String],
                            standardInput: Data?) throws -> CommandResult {
        let streams = TemporaryDirectory("streams")
        let input = try FileHandle(forReadingFrom: streams.write("stdin", standardInput ?? Data()))
        let outputURL = try streams.write("stdout", Data()), errorURL = try streams.write("stderr", Data())
        let output = try FileHandle(forWritingTo: outputURL), error = try FileHandle(forWritingTo: errorURL)
        defer {
            for handle in [input, output, error] { try? handle.close() }
            try? FileManager.default.removeItem(at: streams.url)
        }
        let process = configured(arguments, in: directory, environment: environment)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus,
                             standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
                             standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }

    /// A process ready to start, for tests that need to watch or kill it while it runs.
    public static func configured(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                    "HOME": ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"]
        base.merge(environment) { $1 }
        process.environment = base
        return process
    }
}
