import ArgumentParser
import AviaryCore
import Foundation

struct PipelineListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List pipeline runs, oldest first.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let runs = try await PipelineStore(metadata: project.metadata).runs()
            if json { try JSONOutput.print(runs.map(PipelineOutput.Summary.init)); return }
            print(TextTable(header: ["RUN", "PIPELINE", "STATUS", "STARTED", "DURATION"], rows: runs.map { run in
                [run.id, run.pipeline, run.status.rawValue, DisplayTime.seconds(run.startedAt),
                 run.duration.map(PipelineOutput.seconds) ?? "-"]
            }).text)
        }
    }
}

struct PipelineShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a run: its parameters and, for each step, status, attempts, duration and cache key.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run's id.") var run: String
    @Flag(help: "Print the run and its steps as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            try await PipelineOutput.printRun(try await PipelineStore(metadata: project.metadata).run(run), project: project, json: json)
        }
    }
}

struct PipelineLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Print a run's step logs (all steps, or one).",
        discussion: "A finished step's log is read from the blob store; a running step's from its working folder.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run's id.") var run: String
    @Argument(help: "One step.") var step: String?

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let store = PipelineStore(metadata: project.metadata)
            let stored = try await store.run(run)
            let steps = try await store.steps(of: stored)
            if let step, !steps.contains(where: { $0.step == step }) {
                guard stored.definition.step(step) != nil else { throw PipelineError.stepNotFound(run: run, step: step) }
                print("(step \(step) has not started)")
                return
            }
            let work = PipelineRunner(project: project).workRoot.appendingPathComponent(run, isDirectory: true)
            for record in steps where step == nil || record.step == step {
                if step == nil { print("==> \(record.step) (\(record.status.rawValue)) <==") }
                if let log = record.log {
                    print(String(decoding: try project.blobs.data(log), as: UTF8.self), terminator: "")
                } else if record.status == .running,
                          let text = try? String(contentsOf: work.appendingPathComponent("\(record.step)/attempt-\(record.attempts)/log"), encoding: .utf8) {
                    print(text, terminator: "")
                } else if let cachedFrom = record.cachedFrom {
                    print("(cached from \(cachedFrom): `aviary pipeline logs \(cachedFrom.replacingOccurrences(of: "/", with: " "))`)")
                } else {
                    print("(no log)")
                }
            }
        }
    }
}
