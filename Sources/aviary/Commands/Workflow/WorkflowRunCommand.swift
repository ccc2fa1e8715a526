import ArgumentParser
import AviaryCore
import AviaryJSON
import AviaryWorkflow
import Foundation

struct WorkflowRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a definition file once, to its end, and print its status and output.",
        discussion: """
            Nothing is stored. Inside a project its functions and blob built-ins are available; outside one, \
            only the built-ins that need no project. Exits 0 when the execution succeeded, 1 otherwise.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The definition (Amazon States Language JSON).") var file: String
    @Option(help: "The execution input: JSON, or @FILE.") var input = "{}"
    @Option(help: "The execution's name, as $$.Execution.Name sees it.") var name = "run"
    @Flag(help: "Print {status, output} or {status, error, cause} as one line of JSON.") var json = false

    func run() async throws {
        try await CommandRunner.runWithoutProject(options) { _ in
            InterruptHandler.install(stopping: "command(s)", hint: nil)
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw WorkflowError.invalidInput(source: file, detail: "cannot read it: \(error.localizedDescription)")
            }
            let machine: StateMachine
            do { machine = try DefinitionParser.parse(text) } catch let error as DefinitionError {
                throw WorkflowError.invalidDefinition(source: file, problems: error.problems)
            }
            let input = try JSONParser.parse(try WorkflowOutput.inputText(self.input))
            let project = try openProjectIfAny()
            let registry = try await ProjectFunctions.registry(project: project, executable: WorkflowOutput.executable)
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let result = await Execution(
                machine: machine, input: input, identity: ExecutionIdentity(executionName: name, stateMachineName: stem),
                invoker: registry
            ).run()
            let status: WorkflowExecutionStatus = switch result.status {
                case .succeeded: .succeeded
                case .failed: .failed
                case .timedOut: .timedOut
            }
            if json {
                var object = JSONObject([("status", .string(status.rawValue))])
                if let output = result.output { object["output"] = output }
                if let error = result.error { object["error"] = .string(error) }
                if let cause = result.cause { object["cause"] = .string(cause) }
                print(AviaryJSON.JSONValue.object(object).serialized())
            } else {
                print(status.rawValue)
                if let output = result.output { print(output.serialized()) }
                if let error = result.error { print("error: \(error)") }
                if let cause = result.cause { print("cause: \(cause)") }
            }
            try WorkflowOutput.exitStatus(status)
        }
    }

    /// The project named by --project or AVIARY_PROJECT (which must exist), else the one around the
    /// working directory, else none.
    private func openProjectIfAny() throws -> Project? {
        let locator = ProjectLocator(explicitPath: options.project)
        do {
            return try Project.open(try locator.locate(), overrides: options.configurationOverrides)
        } catch ProjectError.notInProject {
            return nil
        }
    }
}
