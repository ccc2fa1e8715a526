import ArgumentParser
import AviaryCore
import Foundation

struct DataDiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Show images added, removed and relabelled between two versions.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The older version.") var from: String
    @Argument(help: "The newer version.") var to: String
    @Flag(help: "Print the difference as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let catalog = DatasetCatalog(project: project)
            let diff = DatasetDiff(from: try catalog.manifest(of: try await catalog.resolve(from)),
                                   to: try catalog.manifest(of: try await catalog.resolve(to)))
            if json { try JSONOutput.print(diff) } else { print(diff.text) }
        }
    }
}

struct DataSplitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Make stratified, seeded train/validation/test versions of a version.",
        discussion: "Each part becomes a version of DATASET.PART, recorded as derived from the split version.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The version to split.") var version: String
    @Option(help: "Fraction for training.") var train = 0.8
    @Option(help: "Fraction for validation.") var validation = 0.1
    @Option(help: "Fraction for testing.") var test = 0.1
    @Option(help: "Seed of the shuffle: the same seed gives the same split.") var seed: UInt64 = 0
    @Flag(help: "Print the new versions as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let catalog = DatasetCatalog(project: project)
            let parent = try await catalog.resolve(version)
            let splitter = try DatasetSplitter(parts: [.init(name: "train", fraction: train), .init(name: "validation", fraction: validation),
                                                       .init(name: "test", fraction: test)], seed: seed)
            var created: [DatasetVersion] = []
            for (part, manifest) in zip(splitter.parts, splitter.split(try catalog.manifest(of: parent))) where !manifest.items.isEmpty {
                let lineage = DatasetVersion.Lineage(operation: "split", parameters: [
                    "part": part.name, "seed": "\(seed)", "fractions": splitter.parts.map { "\($0.name)=\($0.fraction)" }.joined(separator: ","),
                ], parents: [parent.id])
                created.append(try await catalog.save(manifest, dataset: "\(parent.dataset).\(part.name)", lineage: lineage).version)
            }
            if json { try JSONOutput.print(created); return }
            let classes = Set(created.flatMap(\.classCounts.keys)).sorted()
            let rows = classes.map { name in [name] + created.map { "\($0.classCounts[name] ?? 0)" } }
                + [["total"] + created.map { "\($0.itemCount)" }]
            print(TextTable(header: ["CLASS"] + created.map(\.reference), rows: rows).text)
        }
    }
}

struct DataExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a version as class folders, a Ground Truth manifest or IDX files.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The version.") var version: String
    @Option(help: "folder, manifest or idx.") var format: String
    @Option(help: "A new or empty folder to write into.") var to: String
    @Option(help: "For manifests: the label attribute for images that have none.") var labelAttribute = "class"
    @Option(help: "For manifests: write source-ref as PREFIX/images/… (an s3:// URI, say).") var sourcePrefix: String?

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            guard let exportFormat = DatasetExporter.Format(rawValue: format) else {
                throw ValidationError("unknown format '\(format)'; use folder, manifest or idx")
            }
            let catalog = DatasetCatalog(project: project)
            let resolved = try await catalog.resolve(version)
            let files = try DatasetExporter(blobs: project.blobs).export(
                try catalog.manifest(of: resolved), version: resolved, as: exportFormat, to: URL(fileURLWithPath: to),
                labelAttribute: labelAttribute, sourcePrefix: sourcePrefix)
            print("Exported \(resolved.reference) as \(format) to \(to) (\(files.count) files)")
        }
    }
}
