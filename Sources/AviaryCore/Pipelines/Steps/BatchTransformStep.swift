import AviaryJSON
import AviaryStore
import Foundation

/// The `transform` step, batch prediction (SageMaker's batch transform): runs a trained model (`model`:
/// an artifact blob id or `GROUP/VERSION`) over every image of a dataset version and stores the
/// predictions as a JSON Lines blob in the format
/// `aviary evaluate --predictions` reads (`{"classes": […]}`, then `{"image": "sha256:…",
/// "probabilities": […]}` per image), so a later step or another tool can use or score them.
///
/// Outputs: `predictions` (the blob), `images` (predicted), `left_out` (images that could not be decoded).
public struct BatchTransformStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        let (model, _) = try await EvaluateStep.model(context)
        let dataset = try await context.datasetVersion(try EvaluateStep.string(context, "dataset"))
        return .object(JSONObject([("model", .string(model.description)), ("dataset", .string(dataset.id))]))
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let (_, artifact) = try await EvaluateStep.model(context)
        let version = try await context.datasetVersion(try EvaluateStep.string(context, "dataset"))
        let manifest = try DatasetCatalog(project: context.project).manifest(of: version)
        let (rows, failures) = try await ClassifierPredictor.probabilities(of: manifest, artifact: artifact, blobs: context.project.blobs)
        for failure in failures { context.log("left out: \(failure)") }

        var lines = [JSONValue.object(JSONObject([("classes", .array(artifact.classes.map(JSONValue.string)))])).serialized()]
        for image in rows.keys.sorted() {
            let probabilities = JSONValue.array(rows[image]!.map(JSONValue.double))
            lines.append(JSONValue.object(JSONObject([("image", .string(image.description)), ("probabilities", probabilities)])).serialized())
        }
        let stored = try context.project.blobs.put(Data((lines.joined(separator: "\n") + "\n").utf8)).id
        let summary = "predicted \(rows.count) images of \(version.reference)" + (failures.isEmpty ? "" : ", left out \(failures.count)")
        context.log(summary)
        return StepResult(outputs: ["predictions": .string(stored.description), "images": .int(rows.count), "left_out": .int(failures.count)],
                          artifacts: [stored], message: summary)
    }
}
