import ArgumentParser
import AviaryCore
import AviaryStore
import Foundation

/// `aviary evaluate`: how good a model's predictions are on a held-out dataset version.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score predictions on a held-out dataset version: accuracy, top-k, per-class scores, confusion, calibration.",
        discussion: """
            --model runs a trained model (an artifact id or GROUP/VERSION) over the images; \
            --predictions takes JSON Lines: a first line {"classes": [...]} and then one line per image, \
            {"image": "sha256:…", "probabilities": [...]}, so predictions from any runtime can be scored. \
            With --out DIR it writes report.json, confusion-matrix.svg, reliability.svg and misclassified.png.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The dataset version to evaluate on (NAME, NAME@ID or an id prefix).") var dataset: String
    @Option(help: "The predictions file (JSON Lines).") var predictions: String?
    @Option(help: "Or a model to run on the dataset's images: sha256:… or GROUP/VERSION.") var model: String?
    @Option(help: "A folder for the report and its charts.") var out: String?
    @Option(name: .customLong("top-k"), help: "Top-k accuracies to report, repeatable.") var topK: [Int] = [5]
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let catalog = DatasetCatalog(project: project)
            let version = try await catalog.resolve(dataset)
            let manifest = try catalog.manifest(of: version)
            let evaluation = try await evaluation(manifest, project: project)
            if let out { try write(evaluation, to: URL(fileURLWithPath: out, isDirectory: true), blobs: project.blobs) }
            if json { try JSONOutput.print(evaluation.report); return }
            print(Self.summary(evaluation, dataset: version.reference))
        }
    }

    func evaluation(_ manifest: DatasetManifest, project: Project) async throws -> ModelEvaluation {
        switch (predictions, model) {
        case (let file?, nil):
            let read = try PredictionsFile.read(URL(fileURLWithPath: file))
            return try ModelEvaluation(manifest: manifest, classes: read.classes, probabilities: read.probabilities, topK: topK)
        case (nil, let reference?):
            let (evaluation, failures) = try await ModelEvaluation.run(model: reference, on: manifest, project: project, topK: topK)
            for failure in failures { FileHandle.standardError.write(Data("warning: \(failure): left out\n".utf8)) }
            return evaluation
        default:
            throw ValidationError("give exactly one of --predictions FILE and --model MODEL")
        }
    }

    func write(_ evaluation: ModelEvaluation, to folder: URL, blobs: any BlobStore) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func save(_ name: String, _ data: Data) throws {
            try AtomicFile.write(to: folder.appendingPathComponent(name)) { try $0.write(contentsOf: data) }
        }
        try save("report.json", try CanonicalJSON.encode(evaluation.report))
        try save("confusion-matrix.svg", Data(evaluation.report.confusionMatrixSVG.utf8))
        try save("reliability.svg", Data(evaluation.report.reliabilitySVG.utf8))
        if let sheet = try evaluation.misclassifiedSheet(blobs: blobs) { try save("misclassified.png", Data(sheet)) }
    }

    static func summary(_ evaluation: ModelEvaluation, dataset: String) -> String {
        let report = evaluation.report
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        var lines = ["\(dataset): \(report.sampleCount) images, \(report.classes.count) classes",
                     "accuracy      \(percent(report.accuracy))"]
        for k in report.topK { lines.append("top-\(k.k)".padding(toLength: 14, withPad: " ", startingAt: 0) + percent(k.accuracy)) }
        lines.append("macro F1      \(String(format: "%.3f", report.macroAverage.f1))")
        lines.append("ECE           \(percent(report.calibration.expectedCalibrationError))")
        if evaluation.missingPredictions > 0 { lines.append("left out: \(evaluation.missingPredictions) images without a prediction") }
        for (label, count) in evaluation.unknownLabels.sorted(by: { $0.key < $1.key }) {
            lines.append("left out: \(count) images labelled '\(label)', a class the model does not know")
        }
        lines.append("")
        lines.append(TextTable(header: ["CLASS", "PRECISION", "RECALL", "F1", "SUPPORT"], rows: report.perClass.map {
            [$0.name, String(format: "%.3f", $0.precision), String(format: "%.3f", $0.recall), String(format: "%.3f", $0.f1), "\($0.support)"]
        }).text)
        if !report.mostConfused.isEmpty {
            lines.append("")
            lines.append("most confused: " + report.mostConfused.prefix(5).map { "\($0.actual) → \($0.predicted) (\($0.count))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
