import AviaryJSON
import AviaryStore
import Foundation

/// Scores a model on a dataset version (what `aviary evaluate --model` does). Outputs `accuracy`,
/// `macro_f1`, `weighted_f1`, `ece`, `top_K` for each K, `samples`, and `report` (the full report
/// as a JSON blob), so a `condition` can test `steps.evaluate.outputs.accuracy >= params.threshold`.
public struct EvaluateStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        .object(JSONObject([("model", .string(try Self.model(context))),
                            ("dataset", .string(try await context.datasetVersion(try TrainStep.required(context, "dataset")).id))]))
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let version = try await context.datasetVersion(try TrainStep.required(context, "dataset"))
        let manifest = try DatasetCatalog(project: context.project).manifest(of: version)
        let evaluation: ModelEvaluation
        do {
            let (scored, failures) = try await ModelEvaluation.run(model: try Self.model(context), on: manifest, project: context.project)
            for failure in failures { context.log("left out: \(failure)") }
            evaluation = scored
        } catch let error as TrainingError {
            throw StepFailure(.input, "\(error)")
        } catch let error as ModelArtifactError {
            throw StepFailure(.input, "\(error)")
        }
        let report = evaluation.report
        let stored = try context.project.blobs.put(try CanonicalJSON.encode(report)).id
        var outputs: [String: JSONValue] = [
            "accuracy": .double(report.accuracy), "macro_f1": .double(report.macroAverage.f1), "weighted_f1": .double(report.weightedAverage.f1),
            "ece": .double(report.calibration.expectedCalibrationError), "samples": .int(report.sampleCount), "report": .string(stored.description),
        ]
        for k in report.topK { outputs["top_\(k.k)"] = .double(k.accuracy) }
        context.log(String(format: "accuracy %.4f on %d images of %@", report.accuracy, report.sampleCount, version.reference))
        return StepResult(outputs: outputs, artifacts: [stored], message: String(format: "accuracy %.1f%%", report.accuracy * 100))
    }

    static func model(_ context: StepContext) throws -> String {
        guard let model = context.string("model") else {
            throw StepFailure(.input, "`model` must name a model: ${steps.train.outputs.model}, an artifact id or GROUP/NUMBER")
        }
        return model
    }
}
