import ArgumentParser
import AviaryCore
import Foundation

struct DataListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List dataset versions, oldest first.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "Only this dataset's versions.") var dataset: String?
    @Flag(help: "Print a JSON array of versions.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let versions = try await DatasetCatalog(project: project).versions(of: dataset)
            if json { try JSONOutput.print(versions); return }
            let rows = versions.map { version in
                [version.reference, "\(version.itemCount)", "\(version.classCounts.count)", Self.describe(version.lineage),
                 version.createdAt.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))]
            }
            print(TextTable(header: ["VERSION", "IMAGES", "CLASSES", "FROM", "CREATED"], rows: rows).text)
        }
    }

    static func describe(_ lineage: DatasetVersion.Lineage) -> String {
        switch lineage.operation {
        case "split": return "split \(lineage.parameters["part"] ?? "") of \(lineage.parents.first.map { String($0.prefix(12)) } ?? "")"
        case "import": return "import \(lineage.parameters["format"] ?? "")"
        default: return lineage.operation
        }
    }
}

struct DataShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a version: lineage, class counts and image sizes; optionally a contact sheet.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The version.") var version: String
    @Option(help: "Write a PNG grid of sample images, one row per class.") var contactSheet: String?
    @Option(help: "Samples per class on the contact sheet.") var samples = 8
    @Flag(help: "Print the summary as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let catalog = DatasetCatalog(project: project)
            let resolved = try await catalog.resolve(version)
            let manifest = try catalog.manifest(of: resolved)
            let summary = DatasetSummary(version: resolved, manifest: manifest)
            if let contactSheet {
                let sheet = try ContactSheet(samplesPerClass: samples).render(manifest, blobs: project.blobs)
                try Data(sheet.png).write(to: URL(fileURLWithPath: contactSheet))
                if !json { print("Wrote contact sheet \(contactSheet): rows \(sheet.rows.joined(separator: ", "))") }
            }
            if json { try JSONOutput.print(summary) } else { print(summary.text) }
        }
    }
}
