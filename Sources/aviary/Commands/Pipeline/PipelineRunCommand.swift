import ArgumentParser
import AviaryCore
import Foundation

struct PipelineRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a pipeline file to its end, printing each step as it changes.",
        discussion: """
            Progress goes to standard error, the finished run to standard output. A step whose cache key \
            (its kind, its inputs as content, its settings) matches an earlier result reuses it unless \
            caching is off for the step, the pipeline or this run (--no-cache).
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The pipeline (YAML or JSON).") var file: String
    @Option(name: .customLong("param"), help: "NAME=VALUE, repeatable; typed as the pipeline declares.") var parameters: [String] = []
    @Option(help: "The run's id (default: PIPELINE-DATE-TIME-XXXX).") var name: String?
    @Flag(help: "Run every step even when a cached result exists.") var noCache = false
    @Flag(help: "Print the finished run as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let definition = try PipelineOutput.load(file)
            var given: [String: String] = [:]
            for parameter in parameters {
                let parts = parameter.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ValidationError("--param takes NAME=VALUE, not '\(parameter)'") }
                given[String(parts[0])] = String(parts[1])
            }
            InterruptHandler.install()
            let runner = PipelineRunner(project: project, progress: PipelineOutput.progress)
            let path = URL(fileURLWithPath: file).standardizedFileURL.path
            let started = try await runner.start(definition, file: path, parameters: given, name: name, noCache: noCache)
            let finished = try await runner.run(started)
            try await PipelineOutput.printRun(finished, project: project, json: json)
            if finished.status != .succeeded { throw ExitCode(1) }
        }
    }
}

struct PipelineResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue a run whose process died, from its last finished step.",
        discussion: """
            Finished steps keep their results; a step that was running when the process died runs again. \
            `--all` resumes every run whose process is gone, as a worker does when it starts.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run's id.") var run: String?
    @Flag(help: "Resume every run whose process is gone.") var all = false
    @Flag(help: "Print the finished run as JSON.") var json = false

    func validate() throws {
        guard (run == nil) == all else { throw ValidationError("name one run, or pass --all") }
    }

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            InterruptHandler.install()
            let runner = PipelineRunner(project: project, progress: PipelineOutput.progress)
            guard let run else {
                let finished = try await runner.resumeAbandoned()
                if json { try JSONOutput.print(finished.map(PipelineOutput.Summary.init)); return }
                for run in finished { print("\(run.id) \(run.status.rawValue)") }
                if finished.isEmpty { print("no interrupted runs") }
                if finished.contains(where: { $0.status != .succeeded }) { throw ExitCode(1) }
                return
            }
            let finished = try await runner.resume(run)
            try await PipelineOutput.printRun(finished, project: project, json: json)
            if finished.status != .succeeded { throw ExitCode(1) }
        }
    }
}
