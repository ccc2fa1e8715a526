import Foundation
import Synchronization
import AviaryJSON

/// A user function that is any command: it reads the event as JSON on stdin and writes its
/// result as JSON on stdout. A non-zero exit fails the task: if stdout holds Lambda's error shape
/// `{"errorType": …, "errorMessage": …}` that becomes the error name and cause, otherwise
/// `States.TaskFailed` with the command's stderr.
public struct CommandFunction: WorkflowFunction {
    public let executable: String
    public let arguments: [String]
    public let environment: [String: String]?

    public init(executable: String, arguments: [String] = [], environment: [String: String]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// Runs `/bin/sh -c command`.
    public static func shell(_ command: String) -> CommandFunction {
        CommandFunction(executable: "/bin/sh", arguments: ["-c", command])
    }

    public func call(event: JSONValue) async throws -> JSONValue {
        let run = try await ProcessRunner.run(
            executable: executable, arguments: arguments, environment: environment, stdin: Data(event.serialized().utf8))
        let stdout = String(decoding: run.stdout, as: UTF8.self)
        let parsed = try? JSONParser.parse(stdout.isEmpty ? "null" : stdout)
        if run.status != 0 {
            if let errorType = parsed?["errorType"]?.stringValue {
                throw ASLError(name: errorType, cause: parsed?["errorMessage"]?.messageText ?? "")
            }
            let stderr = String(decoding: run.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ASLError(
                name: ErrorName.taskFailed,
                cause: "The function '\(([executable] + arguments).joined(separator: " "))' exited with status \(run.status): \(stderr)")
        }
        guard let parsed else {
            throw ASLError(
                name: ErrorName.taskFailed,
                cause: "The function '\(([executable] + arguments).joined(separator: " "))' did not print valid JSON on stdout: \(stdout.prefix(200))")
        }
        return parsed
    }
}

/// Runs a child process to completion off the cooperative thread pool; cancelling the task
/// terminates the process (how TimeoutSeconds stops a function).
enum ProcessRunner {
    struct Output: Sendable {
        let status: Int32
        let stdout: Data
        let stderr: Data
    }

    /// A function that exits without reading its stdin must not kill us with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Everything up to end of file, read with read(2): Foundation's `readDataToEndOfFile` on
    /// Linux traps on EINTR and EBADF (a `try!` inside it; swiftlang/swift#57827), which took the
    /// whole process down when many children ran at once. A signal retries the read; any other
    /// error ends the output there.
    static func readToEnd(_ handle: FileHandle) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
            if count < 0 && errno == EINTR { continue }
            return data
        }
    }

    static func run(executable: String, arguments: [String], environment: [String: String]?, stdin: Data) async throws -> Output {
        ProcessRunner.ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        do { try process.run() } catch {
            throw ASLError(name: ErrorName.taskFailed, cause: "Cannot start '\(executable)': \(error.localizedDescription)")
        }
        let box = ProcessBox(process)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Output, Error>) in
                box.setContinuation(continuation)
                DispatchQueue.global().async {
                    let group = DispatchGroup()
                    nonisolated(unsafe) var out = Data(), err = Data()
                    DispatchQueue.global().async(group: group) { out = ProcessRunner.readToEnd(outPipe.fileHandleForReading) }
                    DispatchQueue.global().async(group: group) { err = ProcessRunner.readToEnd(errPipe.fileHandleForReading) }
                    try? inPipe.fileHandleForWriting.write(contentsOf: stdin)
                    try? inPipe.fileHandleForWriting.close()
                    group.wait()
                    process.waitUntilExit()
                    box.resume(with: .success(Output(status: process.terminationStatus, stdout: out, stderr: err)))
                }
            }
        } onCancel: {
            box.terminate()
        }
    }
}

/// Lets the cancellation handler reach the process (`Process` is not Sendable) and resumes the
/// waiting task exactly once: on exit, or at once on cancellation, since a grandchild of a shell
/// may keep the pipes open after the shell itself is terminated.
private final class ProcessBox: @unchecked Sendable {
    private let process: Process
    private let continuation = Mutex<CheckedContinuation<ProcessRunner.Output, Error>?>(nil)
    init(_ process: Process) { self.process = process }

    func setContinuation(_ c: CheckedContinuation<ProcessRunner.Output, Error>) { continuation.withLock { $0 = c } }

    func resume(with result: Result<ProcessRunner.Output, Error>) {
        continuation.withLock { c in
            c?.resume(with: result)
            c = nil
        }
    }

    func terminate() {
        if process.isRunning { process.terminate() }
        resume(with: .failure(CancellationError()))
    }
}
