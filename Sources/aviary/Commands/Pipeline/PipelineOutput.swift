import ArgumentParser
import AviaryCore
import AviaryJSON
import Foundation

/// How pipeline commands read files and print runs.
enum PipelineOutput {
    /// Validates a file, failing with every problem.
    static func load(_ file: String) throws -> PipelineDefinition {
        let result = try PipelineValidator.validate(fileAt: URL(fileURLWithPath: file), displayName: file)
        guard let definition = result.definition else { throw PipelineError.invalidDefinition(problems: result.problems) }
        return definition
    }

    /// One progress line on standard error, with the time.
    @Sendable static func progress(_ line: String) {
        let time = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
        FileHandle.standardError.write(Data("[\(time)] \(line)\n".utf8))
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? String(format: "%.2fs", value) : ProgressMeter.duration(value)
    }

    /// A run without its definition, for lists.
    struct Summary: Encodable {
        var id: String, pipeline: String, status: String, startedAt: Date, endedAt: Date?, duration: Double?, message: String?
        var parameters: [String: JSONValue]

        init(_ run: PipelineRun) {
            id = run.id
            pipeline = run.pipeline
            status = run.status.rawValue
            startedAt = run.startedAt
            endedAt = run.endedAt
            duration = run.duration
            message = run.message
            parameters = run.parameters
        }
    }

    struct Detail: Encodable {
        var run: PipelineRun
        var steps: [PipelineStepRun]
    }

    static func printRun(_ run: PipelineRun, project: Project, json: Bool) async throws {
        let steps = try await PipelineStore(metadata: project.metadata).steps(of: run)
        if json { try JSONOutput.print(Detail(run: run, steps: steps)); return }
        var lines = [
            "run:        \(run.id)",
            "pipeline:   \(run.pipeline)" + (run.file.map { " (\($0))" } ?? ""),
            "status:     \(run.status.rawValue)",
            "started:    \(DisplayTime.seconds(run.startedAt))" + (run.resumes > 0 ? " (resumed \(run.resumes)×)" : ""),
            "ended:      \(run.endedAt.map(DisplayTime.seconds) ?? "-")" + (run.duration.map { " (\(seconds($0)))" } ?? ""),
        ]
        if !run.parameters.isEmpty {
            lines.append("parameters: " + run.parameters.keys.sorted().map { "\($0)=\(run.parameters[$0]!.stringValue ?? run.parameters[$0]!.serialized())" }.joined(separator: " "))
        }
        if run.noCache { lines.append("cache:      off for this run (--no-cache)") }
        if let message = run.message { lines.append("message:    \(message)") }
        print(lines.joined(separator: "\n"))
        let byName = Dictionary(uniqueKeysWithValues: steps.map { ($0.step, $0) })
        let rows = run.definition.steps.map { step -> [String] in
            guard let record = byName[step.name] else { return [step.name, step.kind.rawValue, "not started", "-", "-", "-"] }
            return [step.name, step.kind.rawValue, record.status.rawValue, "\(record.attempts)", record.duration.map(seconds) ?? "-",
                    record.cacheKey ?? "-"]
        }
        print("")
        print(TextTable(header: ["STEP", "KIND", "STATUS", "ATTEMPTS", "DURATION", "CACHE KEY"], rows: rows).text)
        for record in steps {
            if let cachedFrom = record.cachedFrom { print("  \(record.step): cached, reused from \(cachedFrom)") }
            if let error = record.error, record.status == .failed {
                print("  \(record.step): \(record.errorClass?.rawValue ?? "error"): \(error)")
            } else if let message = record.message {
                print("  \(record.step): \(message)")
            }
            let outputs = record.outputs.filter { $0.key != "explanation" }
            if !outputs.isEmpty, record.status != .skipped {
                print("  \(record.step) outputs: " + outputs.keys.sorted().map { "\($0)=\(outputs[$0]!.stringValue ?? outputs[$0]!.serialized())" }.joined(separator: " "))
            }
        }
    }
}
