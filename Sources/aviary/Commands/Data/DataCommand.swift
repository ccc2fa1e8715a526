import ArgumentParser

/// `aviary data`: datasets and their immutable, content-addressed versions.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import, inspect, compare, split and export dataset versions.",
        discussion: """
            A version is named by its manifest's SHA-256. Commands take a version as DATASET (its newest \
            version), DATASET@IDPREFIX, or an id prefix of at least 6 hex digits.
            """,
        subcommands: [DataImportCommand.self, DataListCommand.self, DataShowCommand.self, DataDiffCommand.self,
                      DataSplitCommand.self, DataExportCommand.self])
}
