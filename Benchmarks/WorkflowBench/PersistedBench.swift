import AviaryCore
import AviaryStore
import AviaryWorkflow
import Foundation

/// Transitions per second with the history persisted to a project's SQLite store (synchronous = FULL,
/// group commit), as `aviary workflow start` runs them: the durable counterpart of the in-memory figures.
enum PersistedBench {
    /// Runs `definition` `repeats` times as stored executions in a fresh project; returns the median
    /// rate of state transitions (StateEntered events) per second.
    static func transitionsPerSecond(definition: String, input: String, repeats: Int) async throws -> Double {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workflow-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try Project.initialize(at: root)
        let project = try Project.open(ProjectLayout(root: root), environment: [:])
        let catalog = WorkflowCatalog(metadata: project.metadata)
        try await catalog.create(name: "bench", definition: definition, source: "bench")
        let runner = WorkflowRunner(catalog: catalog, invoker: NoTaskInvoker())
        var rates: [Double] = []
        for index in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            let execution = try await runner.run(try await runner.start(workflow: "bench", input: input, name: "run-\(index)"))
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            precondition(execution.status == .succeeded, "\(execution)")
            let entered = try await catalog.historyEntries(execution.name).filter { $0.type.hasSuffix("StateEntered") }.count
            rates.append(Double(entered) / seconds)
        }
        return rates.sorted()[rates.count / 2]
    }

    /// Whole stored executions per second, one after another: each costs at least two commits
    /// (the RUNNING record, then the last events with the final status).
    static func executionsPerSecond(definition: String, input: String, count: Int) async throws -> Double {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workflow-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try Project.initialize(at: root)
        let project = try Project.open(ProjectLayout(root: root), environment: [:])
        let catalog = WorkflowCatalog(metadata: project.metadata)
        try await catalog.create(name: "bench", definition: definition, source: "bench")
        let runner = WorkflowRunner(catalog: catalog, invoker: NoTaskInvoker())
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let execution = try await runner.run(try await runner.start(workflow: "bench", input: input, name: "e-\(index)"))
            precondition(execution.status == .succeeded, "\(execution)")
        }
        return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
