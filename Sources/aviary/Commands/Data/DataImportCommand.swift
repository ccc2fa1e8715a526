import ArgumentParser
import AviaryCore
import Foundation

struct DataImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import images as a new dataset version.",
        discussion: """
            SOURCE is a folder with one sub-folder per class, a Ground Truth augmented manifest (JSON Lines), \
            or an IDX images file (its labels file is found beside it). Bad items are reported and skipped; \
            the rest imports. Running the same import again after an interruption resumes it.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "Folders, manifests or IDX files; several are imported into one version.") var sources: [String]
    @Option(help: "The dataset to add the version to.") var dataset: String
    @Option(help: "folder, manifest or idx (default: guessed from each source).") var format: String?
    @Option(help: "For IDX: class names in label order, comma-separated.") var classNames: String?
    @Option(help: "For manifests: the label attribute, when a line has several.") var labelAttribute: String?
    @Option(help: "For manifests: map s3://bucket/prefix=/local/folder (repeatable).") var prefixMap: [String] = []
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            var listing = ImportListing(candidates: [])
            for source in sources {
                let url = URL(fileURLWithPath: source)
                let kind = try format.map { try ImportSourceKind(parsing: $0) } ?? ImportSourceKind.detect(url)
                let part: ImportListing
                switch kind {
                case .folder: part = try ImageFolderSource(root: url).listing()
                case .manifest: part = try GroundTruthManifestSource(file: url, labelAttribute: labelAttribute,
                                                                     prefixMap: PrefixMap(parsing: prefixMap)).listing()
                case .idx: part = try IDXSource(images: url, classNames: classNames?.split(separator: ",").map(String.init)).listing()
                }
                listing.append(part)
            }
            let meter = ProgressMeter(label: "import", unit: "images")
            let report = try await DatasetImporter(catalog: DatasetCatalog(project: project))
                .run(listing, dataset: dataset) { meter.update(done: $0.done, total: $0.total, elapsed: $0.elapsed, extra: "\($0.problems) problems") }
            meter.finish()
            if json { try JSONOutput.print(ImportResult(report)); return }
            for problem in report.problems { print("problem: \(problem)") }
            let verb = report.created ? "Imported" : "Already imported:"
            print("\(verb) \(report.imported) images into \(report.version.reference) (\(report.version.classCounts.count) classes, "
                  + "\(report.problems.count) problems\(report.resumed > 0 ? ", \(report.resumed) resumed" : ""))")
        }
    }

    struct ImportResult: Encodable {
        var version: DatasetVersion
        var created: Bool
        var imported: Int
        var resumed: Int
        var problems: [ImportProblem]

        init(_ report: DatasetImporter.Report) {
            version = report.version
            created = report.created
            imported = report.imported
            resumed = report.resumed
            problems = report.problems
        }
    }
}

extension ImportSourceKind {
    init(parsing text: String) throws {
        guard let kind = ImportSourceKind(rawValue: text) else {
            throw ValidationError("unknown format '\(text)'; use one of \(ImportSourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = kind
    }
}
