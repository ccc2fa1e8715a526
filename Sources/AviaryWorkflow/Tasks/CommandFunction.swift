import AviaryJSON
import AviarySpawn
import Foundation

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

/// Runs a child process to completion without blocking the cooperative thread pool; cancelling
/// the task kills the process and its whole group at once (how TimeoutSeconds stops a function).
enum ProcessRunner {
    struct Output: Sendable {
        let status: Int32
        let stdout: Data
        let stderr: Data
    }

    /// Everything up to end of file, read with read(2): Foundation's `readDataToEndOfFile` on
    /// Linux traps on EINTR and EBADF (a `try!` inside it; swiftlang/swift#57827), which took the
    /// whole process down when many children ran at once. A signal retries the read; any other
    /// error ends the output there.
    static func readToEnd(_ handle: FileHandle) -> Data {
        PipeEnd.readToEnd(fileDescriptor: handle.fileDescriptor)
    }

    /// `executable` is a path (no PATH search); `environment` is added to ours.
    static func run(executable: String, arguments: [String], environment: [String: String]?, stdin: Data) async throws -> Output {
        let child: RunningChild
        do {
            child = try Spawner.spawn(executable: executable, arguments: arguments,
                                      environment: ProcessInfo.processInfo.environment.merging(environment ?? [:]) { $1 },
                                      standardInput: .pipe, standardOutput: .pipe, standardError: .pipe)
        } catch {
            throw ASLError(name: ErrorName.taskFailed, cause: "Cannot start '\(executable)': \(error.reason)")
        }
        let output = try await child.communicate(input: stdin)
        return Output(status: output.status, stdout: output.standardOutput, stderr: output.standardError)
    }
}
