import ArgumentParser
import AviaryCore

struct FsckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Re-hash every blob and check every reference from the metadata.",
        discussion: "Exits with status 1 when a blob is corrupt, missing or stray.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Delete temporary files older than blobs.temporary_max_age_hours.") var prune = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let report = try await FsckReport.check(project, prune: prune)
            if json { try JSONOutput.print(report) } else { print(report.text) }
            if !report.isHealthy { throw ExitCode(1) }
        }
    }
}
