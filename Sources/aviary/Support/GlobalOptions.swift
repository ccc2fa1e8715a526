import ArgumentParser

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project folder (default: search upwards from here, or AVIARY_PROJECT).", valueName: "dir"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical (default: log.level).", valueName: "level"))
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp("text or json (default: log.format).", valueName: "format"))
    var logFormat: String?

    /// Configuration keys that flags set, for `Configuration.load(overrides:)`.
    var configurationOverrides: [String: String] {
        var overrides: [String: String] = [:]
        overrides["log.level"] = logLevel
        overrides["log.format"] = logFormat
        return overrides
    }
}
