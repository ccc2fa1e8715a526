import ArgumentParser
import AviaryCore
import AviaryJSON
import Foundation

/// What the workflow commands share: reading `--input`, finding the running executable, and
/// printing an execution the AWS DescribeExecution way.
enum WorkflowOutput {
    /// `--input` is JSON text, or `@FILE` for a file holding it.
    static func inputText(_ argument: String) throws -> String {
        let text: String
        if argument.hasPrefix("@") {
            let path = String(argument.dropFirst())
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw WorkflowError.invalidInput(source: path, detail: "cannot read it: \(error.localizedDescription)")
            }
        } else {
            text = argument
        }
        do { _ = try JSONParser.parse(text) } catch {
            throw WorkflowError.invalidInput(source: argument.hasPrefix("@") ? String(argument.dropFirst()) : "--input", detail: error.description)
        }
        return text
    }

    /// The running `aviary`, for user functions that call back into it.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    struct Description: Encodable {
        var name: String
        var executionArn: String
        var workflow: String
        var version: Int
        var status: String
        var startDate: Date
        var stopDate: Date?
        var input: String
        var output: String?
        var error: String?
        var cause: String?
    }

    static func description(_ e: WorkflowExecution) -> Description {
        Description(name: e.name, executionArn: "arn:aws:states:local:000000000000:execution:\(e.stateMachine):\(e.name)",
                    workflow: e.stateMachine, version: e.version, status: e.status.rawValue, startDate: e.startDate,
                    stopDate: e.stopDate, input: e.input, output: e.output, error: e.error, cause: e.cause)
    }

    static func printExecution(_ execution: WorkflowExecution, json: Bool) throws {
        if json { try JSONOutput.print(description(execution)); return }
        var lines = [
            ("name", execution.name), ("workflow", "\(execution.stateMachine) (version \(execution.version))"),
            ("status", execution.status.rawValue), ("started", timestamp(execution.startDate)),
        ]
        if let stop = execution.stopDate { lines.append(("stopped", timestamp(stop))) }
        lines.append(("input", execution.input))
        if let output = execution.output { lines.append(("output", output)) }
        if let error = execution.error { lines.append(("error", error)) }
        if let cause = execution.cause { lines.append(("cause", cause)) }
        print(lines.map { "\(($0.0 + ":").padding(toLength: 10, withPad: " ", startingAt: 0))\($0.1)" }.joined(separator: "\n"))
    }

    /// Seconds are what records keep (their dates are stored as ISO 8601 without fractions).
    static func timestamp(_ date: Date) -> String {
        DisplayTime.seconds(date)
    }

    /// History events keep milliseconds: many happen within one second.
    static func preciseTimestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    /// 0 for a succeeded execution, 1 otherwise, so `aviary workflow run … && next` stops on failure.
    static func exitStatus(_ status: WorkflowExecutionStatus) throws {
        if status != .succeeded { throw ExitCode(1) }
    }
}
