import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import Foundation
import Synchronization

/// A fresh project and a folder for pipeline files, for the runner tests.
struct PipelineFixture {
    let directory = TemporaryDirectory("pl")
    let project: Project
    let delays = DelayLog()

    init() throws {
        try Project.initialize(at: directory.url)
        project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
    }

    var store: PipelineStore { PipelineStore(metadata: project.metadata) }

    /// A runner whose waits between attempts are recorded, not slept, and whose clock is `now`.
    func runner(now: Date? = nil) -> PipelineRunner {
        var runner = PipelineRunner(project: project)
        let delays = self.delays
        runner.sleep = { seconds in delays.append(seconds) }
        if let now { runner.now = { now } }
        return runner
    }

    /// Writes `text` as `name`, validates it and returns the definition and its file.
    func definition(_ text: String, name: String = "p.yaml") throws -> (PipelineDefinition, URL) {
        let file = try directory.write(name, Data(text.utf8))
        let result = try PipelineValidator.validate(fileAt: file)
        guard let definition = result.definition else { throw PipelineError.invalidDefinition(problems: result.problems) }
        return (definition, file)
    }

    /// Validates, starts and runs a pipeline to its end.
    func run(_ text: String, id: String, parameters: [String: String] = [:], noCache: Bool = false,
             now: Date? = nil) async throws -> PipelineRun {
        let (definition, file) = try definition(text)
        let runner = runner(now: now)
        return try await runner.run(try await runner.start(definition, file: file.path, parameters: parameters, name: id, noCache: noCache))
    }

    func steps(_ run: PipelineRun) async throws -> [String: PipelineStepRun] {
        Dictionary(uniqueKeysWithValues: try await store.steps(of: run).map { ($0.step, $0) })
    }

    /// The event log's types for one subject prefix, in order.
    func events(_ prefix: String) async throws -> [String] {
        try await project.metadata.events(after: 0, limit: 10_000).filter { $0.subject.hasPrefix(prefix) }.map(\.type)
    }
}

/// The waits a runner asked for, in order.
final class DelayLog: Sendable {
    private let values = Mutex<[Double]>([])
    func append(_ value: Double) { values.withLock { $0.append(value) } }
    var all: [Double] { values.withLock { $0 } }
}
