import ArgumentParser
import AviaryCore
import Foundation

struct WorkflowStartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start an execution of a stored workflow and run it to its end.",
        discussion: """
            The execution and its history are stored as it runs. In text mode the first line, `started NAME`, \
            is printed as soon as the execution is recorded. If this process dies, `aviary workflow resume NAME` \
            continues the execution where it stopped.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The workflow's name.") var workflow: String
    @Option(help: "The execution input: JSON, or @FILE.") var input = "{}"
    @Option(help: "The execution's name (default: a new UUID).") var name: String?
    @Flag(help: "Print the finished execution as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            InterruptHandler.install(stopping: "command(s)", hint: "`aviary workflow resume` continues the execution")
            let runner = WorkflowRunner(
                catalog: WorkflowCatalog(metadata: project.metadata),
                invoker: try await ProjectFunctions.registry(project: project, executable: WorkflowOutput.executable))
            let started = try await runner.start(workflow: workflow, input: try WorkflowOutput.inputText(input), name: name)
            if !json {
                FileHandle.standardOutput.write(Data("started \(started.name)\n".utf8))
            }
            let finished = try await runner.run(started)
            try WorkflowOutput.printExecution(finished, json: json)
            try WorkflowOutput.exitStatus(finished.status)
        }
    }
}
