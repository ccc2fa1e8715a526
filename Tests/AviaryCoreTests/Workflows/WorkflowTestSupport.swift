import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import AviaryWorkflow
import Foundation

/// A fresh project with its workflow catalog, for the workflow tests.
struct WorkflowFixture {
    let directory = TemporaryDirectory("wf")
    let project: Project
    var catalog: WorkflowCatalog { WorkflowCatalog(metadata: project.metadata) }

    init() throws {
        try Project.initialize(at: directory.url)
        project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
    }

    func runner(invoker: (any TaskInvoker)? = nil) async throws -> WorkflowRunner {
        let registry = try await ProjectFunctions.registry(project: project)
        return WorkflowRunner(catalog: catalog, invoker: invoker ?? registry, stopPollInterval: .milliseconds(20))
    }

    /// Stores `definition` as `name` and runs one execution of it to its end.
    func execute(_ name: String, _ definition: String, input: String = "{}", execution: String = "e1",
                 invoker: (any TaskInvoker)? = nil) async throws -> WorkflowExecution {
        try await catalog.create(name: name, definition: definition, source: "test")
        let runner = try await runner(invoker: invoker)
        return try await runner.run(try await runner.start(workflow: name, input: input, name: execution))
    }

    /// The persisted history's event types, in order.
    func historyTypes(_ execution: String) async throws -> [String] {
        try await catalog.historyEntries(execution).map(\.type)
    }

    /// The event log's (type, subject) pairs, in order.
    func eventLog() async throws -> [String] {
        try await project.metadata.events(after: 0, limit: 10_000).map { "\($0.type) \($0.subject)" }
    }
}

extension AviaryJSON.JSONValue {
    static func parse(_ text: String) -> AviaryJSON.JSONValue { try! JSONParser.parse(text) }
}
