import ArgumentParser
import AviaryCore
import AviaryWorkflow
import Foundation

struct WorkflowStopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Abort a running execution.",
        discussion: """
            A live runner aborts within a fraction of a second and records ExecutionAborted; an execution \
            whose runner has died is aborted directly. Prints the execution as finally stored.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The execution's name.") var execution: String
    @Option(help: "An error name to record with the abort.") var error: String?
    @Option(help: "A cause to record with the abort.") var cause: String?
    @Flag(help: "Print the execution as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let runner = WorkflowRunner(catalog: WorkflowCatalog(metadata: project.metadata), invoker: NoTaskInvoker())
            let stopped = try await runner.stop(execution, error: error, cause: cause)
            try WorkflowOutput.printExecution(stopped, json: json)
        }
    }
}
