import ArgumentParser
import AviaryCore
import Foundation

struct WorkflowCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Store a definition under a name, as its next version.",
        discussion: "The definition is validated first. Storing unchanged text again keeps the current version.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The workflow's name.") var name: String
    @Argument(help: "The definition (Amazon States Language JSON).") var file: String
    @Flag(help: "Print {workflow, version}.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw WorkflowError.invalidInput(source: file, detail: "cannot read it: \(error.localizedDescription)")
            }
            let version = try await WorkflowCatalog(metadata: project.metadata).create(name: name, definition: text, source: file)
            if json {
                struct Created: Encodable { var workflow: String; var version: Int; var createdAt: Date }
                try JSONOutput.print(Created(workflow: name, version: version.number, createdAt: version.createdAt))
            } else {
                print("workflow \(name) version \(version.number)")
            }
        }
    }
}
