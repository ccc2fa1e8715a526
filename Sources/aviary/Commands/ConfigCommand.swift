import ArgumentParser
import AviaryCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the effective configuration and where each value comes from.",
        discussion: "Set keys in .aviary/config.toml, or override them with AVIARY_SECTION_NAME variables.",
        subcommands: [List.self, Get.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every key, its value and its source.")
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print a JSON array of {key, value, source}.") var json = false

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                let values = project.configuration.list
                if json { try JSONOutput.print(values); return }
                let width = values.map(\.key.count).max() ?? 0
                for value in values {
                    print(value.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(value.value)  (\(value.source.rawValue))")
                }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one key's value.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "A key such as log.level.") var key: String

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                guard let known = ConfigurationKey.named(key) else {
                    throw ValidationError("unknown key '\(key)'; known keys: \(ConfigurationKey.all.map(\.name).joined(separator: ", "))")
                }
                print(project.configuration.string(known))
            }
        }
    }
}
