import AviaryJSON
import AviaryStore
import Foundation

/// Runs a trained model (`model`: a model artifact's blob id, such as `${steps.train.outputs.model}`,
/// or `GROUP/VERSION`) over a dataset version and scores it, as `aviary evaluate --model` does.
///
/// Outputs: `accuracy`, `macro_f1`, `weighted_f1`, `ece` (expected calibration error), `top_<k>`
/// accuracies, `images` (scored), `left_out` (no prediction or a class the model does not know), and
/// `report`: a folder blob with report.json, confusion-matrix.svg and reliability.svg.
public struct EvaluateStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        let (model, _) = try await Self.model(context)
        let dataset = try await context.datasetVersion(try Self.string(context, "dataset"))
        return .object(JSONObject([("model", .string(model.description)), ("dataset", .string(dataset.id)),
                                   ("top_k", .array(Self.topK(context).map(JSONValue.int)))]))
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let (model, _) = try await Self.model(context)
        let version = try await context.datasetVersion(try Self.string(context, "dataset"))
        let manifest = try DatasetCatalog(project: context.project).manifest(of: version)
        let (evaluation, failures) = try await ModelEvaluation.run(model: model.description, on: manifest, project: context.project, topK: Self.topK(context))
        for failure in failures { context.log("left out: \(failure)") }
        let report = evaluation.report

        let folder = context.workFolder.appendingPathComponent("report", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try CanonicalJSON.encode(report).write(to: folder.appendingPathComponent("report.json"))
        try Data(report.confusionMatrixSVG.utf8).write(to: folder.appendingPathComponent("confusion-matrix.svg"))
        try Data(report.reliabilitySVG.utf8).write(to: folder.appendingPathComponent("reliability.svg"))
        let stored = try FolderArchive.store(folder, in: context.project.blobs)

        var outputs: [String: JSONValue] = [
            "accuracy": .double(report.accuracy), "macro_f1": .double(report.macroAverage.f1), "weighted_f1": .double(report.weightedAverage.f1),
            "ece": .double(report.calibration.expectedCalibrationError), "images": .int(report.sampleCount),
            "left_out": .int(evaluation.missingPredictions + evaluation.unknownLabels.values.reduce(0, +)),
            "report": .string(stored.id.description),
        ]
        for k in report.topK { outputs["top_\(k.k)"] = .double(k.accuracy) }
        let summary = "accuracy \(String(format: "%.4f", report.accuracy)) on \(report.sampleCount) images of \(version.reference)"
        context.log(summary)
        return StepResult(outputs: outputs, artifacts: stored.blobs, message: summary)
    }

    static func model(_ context: StepContext) async throws -> (BlobID, ModelArtifact) {
        let reference = try string(context, "model")
        do { return try await ClassifierArtifacts.resolve(reference, project: context.project) } catch let error as StoreError {
            throw StepFailure(.input, "`model` \(reference): \(error)")
        }
    }

    static func string(_ context: StepContext, _ key: String) throws -> String {
        guard let text = context.string(key) else { throw StepFailure(.input, "`\(key)` must be a string") }
        return text
    }

    static func topK(_ context: StepContext) -> [Int] {
        context.inputs["top_k"]?.integerValue.map { [$0] } ?? [5]
    }
}
