import ArgumentParser
import AviaryCore
import Foundation

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a project: .aviary/ with its database, blob store and configuration.")

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The folder to make a project of (created when missing; default: the working directory).")
    var directory: String = "."

    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.runWithoutProject(options) { logger in
            let layout = ProjectLayout(root: URL(fileURLWithPath: directory, isDirectory: true))
            let created = try Project.initialize(at: layout.root)
            logger.info("init", metadata: ["root": "\(layout.root.path)", "created": "\(created)"])
            if json {
                struct Result: Encodable { var project: String; var created: Bool }
                try JSONOutput.print(Result(project: layout.root.path, created: created))
            } else if created {
                print("Initialized empty Aviary project in \(layout.dataFolder.path)")
            } else {
                print("Aviary project already exists in \(layout.dataFolder.path); left unchanged")
            }
        }
    }
}
