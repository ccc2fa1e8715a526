import AviaryJSON
import AviaryStore
import Foundation

/// Runs pipelines durably in a project. Steps start as soon as the steps they depend on have finished,
/// up to `maxParallel` at a time, as child tasks of one task group; each state change of the run and
/// of every step is written to the metadata store with its event before anything else happens, so a
/// run whose process is killed can be resumed from the last finished step.
public struct PipelineRunner: Sendable {
    public let project: Project
    public var executors: [PipelineStepKind: any StepExecutor]
    /// Receives one line per step change, for the CLI's progress output.
    public var progress: @Sendable (String) -> Void
    public var now: @Sendable () -> Date
    /// Waits between attempts; tests make it instant.
    public var sleep: @Sendable (Double) async throws -> Void

    public init(project: Project, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.project = project
        self.executors = Self.standardExecutors
        self.progress = progress
        self.now = Date.init
        self.sleep = { seconds in try await Task.sleep(for: .milliseconds(Int(seconds * 1000))) }
    }

    public static let standardExecutors: [PipelineStepKind: any StepExecutor] = [
        .split: SplitStep(), .script: ScriptStep(), .condition: ConditionStep(), .register: RegisterStep(), .fail: FailStep(),
        .train: TrainStep(), .evaluate: EvaluateStep(), .transform: BatchTransformStep(),
    ]

    var store: PipelineStore { PipelineStore(metadata: project.metadata) }

    /// Where runs keep their working folders and logs while they run.
    public var workRoot: URL { project.layout.dataFolder.appendingPathComponent("pipelines", isDirectory: true) }

    /// Records a new running run (and `pipeline.run.started`); `run` then drives it.
    public func start(_ definition: PipelineDefinition, file: String?, parameters given: [String: String], name: String? = nil,
                      noCache: Bool = false) async throws -> PipelineRun {
        let parameters = try Self.parameters(definition, given: given)
        let id = name ?? Self.newRunID(definition.name, at: now())
        guard ResourceName.isValid(id, maximumLength: 120) else { throw PipelineError.invalidRunName(id) }
        let run = PipelineRun(id: id, pipeline: definition.name, file: file, definition: definition, parameters: parameters,
                              status: .running, noCache: noCache, startedAt: now(), endedAt: nil, duration: nil, message: nil,
                              runner: .current, resumes: 0)
        try await store.create(run)
        progress("run \(id) of pipeline \(definition.name) started")
        return run
    }

    /// Continues a run whose process died, keeping every finished step. Taking the run over is one
    /// conditional write, so of two processes resuming the same run at once, one wins and the other is
    /// told who runs it.
    public func resume(_ id: String) async throws -> PipelineRun {
        for _ in 0..<16 {
            let claimed = try await store.claim(id, event: "pipeline.run.resumed") { run in
                guard run.status == .running else { throw PipelineError.notResumable(run: id, status: run.status) }
                if let runner = run.runner, runner != .current, !runner.isGone {
                    throw PipelineError.runnerAlive(run: id, pid: runner.pid, host: runner.host)
                }
                run.runner = .current
                run.resumes += 1
            }
            // Lost the race: read again, which now names the winner (or the run's end).
            guard let run = claimed else { continue }
            progress("run \(id) resumed")
            return try await self.run(run)
        }
        throw PipelineError.runnerAlive(run: id, pid: 0, host: "another process")
    }

    /// Resumes every running run whose process is gone (what a worker does when it starts), one by one.
    public func resumeAbandoned() async throws -> [PipelineRun] {
        var resumed: [PipelineRun] = []
        for run in try await store.runs() where run.status == .running && (run.runner?.isGone ?? true) {
            resumed.append(try await resume(run.id))
        }
        return resumed
    }

    /// Drives a running run to its end and returns it as finally stored.
    public func run(_ run: PipelineRun) async throws -> PipelineRun {
        var state = try await RunState(run: run, stored: store.steps(of: run))
        let definition = run.definition
        try await withThrowingTaskGroup(of: PipelineStepRun.self) { group in
            var running: Set<String> = []
            func schedule() async throws {
                var changed = true
                while changed && state.failure == nil {
                    changed = false
                    for step in definition.steps where !state.isDone(step.name) && !running.contains(step.name) && state.isReady(step) {
                        if let reason = state.skipReason(step, in: definition) {
                            let skipped = try await skip(step, run: run, record: state.records[step.name], reason: reason)
                            state.finish(skipped)
                            changed = true
                        } else if running.count < definition.maxParallel {
                            running.insert(step.name)
                            let outputs = state.outputs, record = state.records[step.name]
                            group.addTask { try await execute(step, run: run, record: record, outputs: outputs) }
                        }
                    }
                }
            }
            try await schedule()
            while let finished = try await group.next() {
                running.remove(finished.step)
                state.finish(finished)
                try await schedule()
            }
        }
        var final = run
        final.status = try PipelineRunStatus.transition(from: .running, to: state.failure == nil ? .succeeded : .failed)
        final.endedAt = now()
        final.duration = final.endedAt!.timeIntervalSince(run.startedAt)
        final.message = state.failure ?? state.conditionSummary(definition)
        try await store.save(final, event: "pipeline.run.\(final.status.rawValue)")
        progress("run \(run.id) \(final.status.rawValue)" + (final.message.map { ": \($0)" } ?? ""))
        return final
    }

    func skip(_ step: PipelineStep, run: PipelineRun, record: PipelineStepRun?, reason: String) async throws -> PipelineStepRun {
        var record = record ?? PipelineStepRun(run: run.id, step: step)
        try record.move(to: .skipped)
        record.message = reason
        record.endedAt = now()
        try await store.save(record, event: "pipeline.step.skipped")
        progress("step \(step.name) skipped: \(reason)")
        return record
    }

    // MARK: Parameters and ids

    /// Every parameter typed: given values parsed by the declared type, defaults for the rest.
    public static func parameters(_ definition: PipelineDefinition, given: [String: String]) throws -> [String: JSONValue] {
        for name in given.keys where definition.parameter(name) == nil {
            throw PipelineError.unknownParameter(name: name, declared: definition.parameters.map(\.name))
        }
        var values: [String: JSONValue] = [:]
        for parameter in definition.parameters {
            if let text = given[parameter.name] {
                guard let value = parameter.type.parse(text) else {
                    throw PipelineError.invalidParameter(name: parameter.name, value: text, expected: parameter.type)
                }
                values[parameter.name] = value
            } else if let value = parameter.default {
                values[parameter.name] = value
            } else {
                throw PipelineError.missingParameter(name: parameter.name)
            }
        }
        return values
    }

    /// `PIPELINE-20261203-114501-3fa2`: sortable by time, unique enough for one project.
    static func newRunID(_ pipeline: String, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let stamp = String(format: "%04d%02d%02d-%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        return "\(pipeline)-\(stamp)-\(String(UInt16.random(in: 0...UInt16.max), radix: 16).leftPadded(to: 4))"
    }
}

extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
