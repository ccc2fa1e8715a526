import ArgumentParser
import AviaryCore
import Foundation

struct WorkflowListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List executions, oldest first (or, with --definitions, stored workflows).")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only executions with this status: running, succeeded, failed, timed_out or aborted.") var status: String?
    @Flag(help: "List stored workflows and their versions instead.") var definitions = false
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let catalog = WorkflowCatalog(metadata: project.metadata)
            if definitions {
                struct Row: Encodable { var workflow: String; var version: Int; var versions: Int; var updatedAt: Date }
                let rows = try await catalog.definitions().map {
                    Row(workflow: $0.name, version: $0.latest.number, versions: $0.versions.count, updatedAt: $0.latest.createdAt)
                }
                if json { try JSONOutput.print(rows); return }
                print(TextTable(header: ["WORKFLOW", "VERSION", "UPDATED"],
                                rows: rows.map { [$0.workflow, "\($0.version)", WorkflowOutput.timestamp($0.updatedAt)] }).text)
                return
            }
            var filter: WorkflowExecutionStatus?
            if let status {
                guard let parsed = WorkflowExecutionStatus(argument: status) else {
                    throw ValidationError("--status must be one of \(WorkflowExecutionStatus.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", "))")
                }
                filter = parsed
            }
            let executions = try await catalog.executions(status: filter)
            if json { try JSONOutput.print(executions.map(WorkflowOutput.description)); return }
            let rows = executions.map { e in
                [e.name, e.status.rawValue, "\(e.stateMachine):\(e.version)", WorkflowOutput.timestamp(e.startDate),
                 e.stopDate.map(WorkflowOutput.timestamp) ?? "-"]
            }
            print(TextTable(header: ["EXECUTION", "STATUS", "WORKFLOW", "STARTED", "STOPPED"], rows: rows).text)
        }
    }
}
