import ArgumentParser
import AviaryCore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show what the project holds.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print the status as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let status = try await ProjectStatus.of(project)
            if json { try JSONOutput.print(status) } else { print(status.text) }
        }
    }
}
