import ArgumentParser
import AviaryCore
import Foundation

struct WorkflowResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue a crashed execution from its stored history.",
        discussion: """
            The last state that completed hands its output on; a state that was entered but not completed \
            runs again, so a Task's function may run twice (at least once, as with AWS retries). \
            `--all` resumes every running execution whose process is gone, as a worker does when it starts.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The execution's name.") var execution: String?
    @Flag(help: "Resume every execution whose runner is gone.") var all = false
    @Flag(help: "Print the finished executions as JSON.") var json = false

    func validate() throws {
        guard (execution == nil) != (!all) else { throw ValidationError("name one execution, or pass --all") }
    }

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            InterruptHandler.install(stopping: "command(s)", hint: "`aviary workflow resume` continues the execution")
            let runner = WorkflowRunner(
                catalog: WorkflowCatalog(metadata: project.metadata),
                invoker: try await ProjectFunctions.registry(project: project, executable: WorkflowOutput.executable))
            if let execution {
                let finished = try await runner.resume(execution)
                try WorkflowOutput.printExecution(finished, json: json)
                try WorkflowOutput.exitStatus(finished.status)
                return
            }
            let finished = try await runner.resumeAbandoned()
            if json { try JSONOutput.print(finished.map(WorkflowOutput.description)); return }
            for execution in finished { print("\(execution.name) \(execution.status.rawValue)") }
            if finished.isEmpty { print("no abandoned executions") }
        }
    }
}
