import ArgumentParser
import AviaryCore
import Foundation

struct WorkflowDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show an execution: status, input, output or error and cause.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The execution's name.") var execution: String
    @Flag(help: "Print JSON shaped like AWS's DescribeExecution.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            try WorkflowOutput.printExecution(try await WorkflowCatalog(metadata: project.metadata).execution(execution), json: json)
        }
    }
}
