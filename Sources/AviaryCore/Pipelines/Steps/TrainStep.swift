import AviaryJSON
import AviaryStore
import Foundation

/// Trains a classifier with the engine (`TrainingJob`, what `aviary train` runs). The training run is
/// named after the pipeline run and step, so a resumed pipeline resumes the training from its last
/// finished epoch. Outputs: `model` (the artifact id, for `register` and `evaluate`), the kept epoch's
/// accuracies and losses, `epochs` and `training_run`.
public struct TrainStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        var content = JSONObject()
        content["dataset"] = .string(try await context.datasetVersion(try Self.required(context, "dataset")).id)
        if let validation = context.string("validation") { content["validation"] = .string(try await context.datasetVersion(validation).id) }
        content["configuration"] = .object(JSONObject(try Self.configuration(context).hyperparameters.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        return .object(content)
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let train = try await context.datasetVersion(try Self.required(context, "dataset"))
        var validation: DatasetVersion?
        if let reference = context.string("validation") { validation = try await context.datasetVersion(reference) }
        let request = TrainingJob.Request(train: "\(train.dataset)@\(train.id)", validation: validation.map { "\($0.dataset)@\($0.id)" },
                                          configuration: try Self.configuration(context), name: Self.runName(context),
                                          by: "pipeline \(context.run.pipeline)")
        let run: TrainingRun
        do {
            run = try await TrainingJob(project: context.project).run(request) { metrics, elapsed in
                context.log(TrainingProgress.line(metrics, of: request.configuration.epochs, elapsed: elapsed))
            }
        } catch let error as TrainingError {
            throw StepFailure(.input, "\(error)")
        }
        guard let artifact = run.artifact else { throw StepFailure(.failed, "training run \(run.id) produced no model") }
        var outputs: [String: JSONValue] = ["model": .string(artifact.description), "training_run": .string(run.id), "epochs": .int(run.history.count)]
        if let kept = run.history.first(where: { $0.epoch == run.keptEpoch }) ?? run.history.last {
            outputs["train_accuracy"] = .double(kept.trainAccuracy)
            outputs["train_loss"] = .double(kept.trainLoss)
            if let accuracy = kept.validationAccuracy { outputs["validation_accuracy"] = .double(accuracy) }
            if let loss = kept.validationLoss { outputs["validation_loss"] = .double(loss) }
        }
        return StepResult(outputs: outputs, artifacts: [artifact], message: "trained \(run.id): \(run.history.count) epochs, model \(artifact.hex.prefix(12))")
    }

    static func required(_ context: StepContext, _ key: String) throws -> String {
        guard let value = context.string(key) else { throw StepFailure(.input, "`\(key)` must be a dataset version reference") }
        return value
    }

    /// The step's settings over `aviary train`'s per-mode defaults.
    static func configuration(_ context: StepContext) throws -> TrainingConfiguration {
        let modeName = context.string("mode") ?? "scratch"
        guard let mode = TrainingConfiguration.Mode(rawValue: modeName) else {
            throw StepFailure(.input, "`mode` must be scratch, finetune or head, not \(modeName)")
        }
        func int(_ key: String) -> Int? { context.inputs[key]?.integerValue }
        func number(_ key: String) -> Double? { context.inputs[key]?.doubleValue }
        let configuration = TrainingConfiguration(
            mode: mode, architecture: context.string("architecture"), epochs: int("epochs"), batchSize: int("batch_size") ?? 32,
            learningRate: number("learning_rate"), weightDecay: number("weight_decay"), labelSmoothing: number("label_smoothing") ?? 0.1,
            augment: context.inputs["augment"]?.boolValue, imageSize: int("image_size"), patience: int("patience") ?? 3,
            seed: UInt64(max(0, int("seed") ?? 0)))
        do { try configuration.validate() } catch { throw StepFailure(.input, "\(error)") }
        return configuration
    }

    /// `RUN-STEP`, made a valid run name: the same for a run and its resumes.
    static func runName(_ context: StepContext) -> String {
        let raw = "\(context.run.id)-\(context.step.name)"
        let safe = String(raw.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" }.prefix(80))
        return ResourceName.isValid(safe) ? safe : "pipeline-" + String(StableHash.of(raw), radix: 16)
    }
}
