import AviaryJSON
import AviaryStore
import Foundation

/// Trains a classifier with the engine (`TrainingJob`, what `aviary train` runs) on a dataset version,
/// validating on another. The training run is named after the pipeline run and step, so a resumed
/// pipeline resumes the training run from its last checkpoint instead of starting over.
///
/// Outputs: `model` (the model artifact's blob), `training_run`, `epochs`, `kept_epoch`, the kept
/// epoch's `train_accuracy`, `train_loss`, `validation_accuracy`, `validation_loss`, and `accuracy`
/// (validation accuracy when there is validation data, else training accuracy).
///
/// The trainer runs on a compute thread of its own (not the cooperative pool) and checks for
/// cancellation between batches, which is how a `timeout` stops it.
public struct TrainStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        var content = JSONObject()
        content["dataset"] = .string(try await context.datasetVersion(try Self.reference(context, "dataset")).id)
        if context.inputs["validation"] != nil {
            content["validation"] = .string(try await context.datasetVersion(try Self.reference(context, "validation")).id)
        }
        let configuration = String(decoding: try CanonicalJSON.encode(try await Self.configuration(context)), as: UTF8.self)
        content["configuration"] = try JSONParser.parse(configuration)
        return .object(content)
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let train = try await context.datasetVersion(try Self.reference(context, "dataset"))
        let validation = context.inputs["validation"] == nil ? nil : try await context.datasetVersion(try Self.reference(context, "validation"))
        let request = TrainingJob.Request(
            train: "\(train.dataset)@\(train.id)", validation: validation.map { "\($0.dataset)@\($0.id)" },
            configuration: try await Self.configuration(context), name: Self.trainingRunName(context), by: "pipeline \(context.run.pipeline)")
        let run = try await TrainingJob(project: context.project).run(request) { metrics, _ in
            context.log("epoch \(metrics.epoch): train loss \(metrics.trainLoss), accuracy \(metrics.trainAccuracy)"
                + (metrics.validationAccuracy.map { ", validation accuracy \($0)" } ?? ""))
        }
        guard let artifact = run.artifact else { throw StepFailure(.internal, "training run \(run.id) ended without a model artifact") }
        let kept = run.history.first { $0.epoch == run.keptEpoch } ?? run.history.last
        var outputs: [String: JSONValue] = ["model": .string(artifact.description), "training_run": .string(run.id),
                                            "epochs": .int(run.history.count)]
        if let epoch = run.keptEpoch { outputs["kept_epoch"] = .int(epoch) }
        if let kept {
            outputs["train_accuracy"] = .double(kept.trainAccuracy)
            outputs["train_loss"] = .double(kept.trainLoss)
            if let accuracy = kept.validationAccuracy { outputs["validation_accuracy"] = .double(accuracy) }
            if let loss = kept.validationLoss { outputs["validation_loss"] = .double(loss) }
            outputs["accuracy"] = .double(kept.validationAccuracy ?? kept.trainAccuracy)
        }
        return StepResult(outputs: outputs, artifacts: [artifact], message: "trained \(run.id): \(run.history.count) epoch(s)")
    }

    static func reference(_ context: StepContext, _ key: String) throws -> String {
        guard let text = context.string(key) else { throw StepFailure(.input, "`\(key)` must name a dataset version") }
        return text
    }

    /// `configuration(_:imageSize:)` where an ONNX backbone's own side is the default `image_size`.
    static func configuration(_ context: StepContext) async throws -> TrainingConfiguration {
        let side = try await BackboneCatalog(project: context.project).onnxInputSize(context.inputs["backbone"]?.stringValue)
        return try configuration(context, imageSize: side)
    }

    /// The step's settings as a training configuration, with the engine's defaults for the mode.
    static func configuration(_ context: StepContext, imageSize defaultImageSize: Int?) throws -> TrainingConfiguration {
        let inputs = context.inputs
        guard let mode = TrainingConfiguration.Mode(rawValue: inputs["mode"]?.stringValue ?? "scratch") else {
            throw StepFailure(.input, "`mode` must be one of \(TrainingConfiguration.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let resize = try inputs["resize"]?.stringValue.map { text in
            guard let resize = PreprocessingSpec.Resize(rawValue: text) else {
                throw StepFailure(.input, "`resize` must be one of \(PreprocessingSpec.Resize.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return resize
        }
        let configuration = TrainingConfiguration(
            mode: mode, architecture: inputs["architecture"]?.stringValue, epochs: inputs["epochs"]?.integerValue,
            batchSize: inputs["batch_size"]?.integerValue ?? 32, learningRate: inputs["learning_rate"]?.doubleValue,
            augment: inputs["augment"].flatMap { if case .bool(let flag) = $0 { flag } else { nil } },
            imageSize: inputs["image_size"]?.integerValue ?? defaultImageSize, patience: inputs["patience"]?.integerValue ?? 3,
            seed: UInt64(max(0, inputs["seed"]?.integerValue ?? 0)), backbone: inputs["backbone"]?.stringValue,
            resize: resize)
        do { try configuration.validate() } catch { throw StepFailure(.input, "\(error)") }
        return configuration
    }

    /// `RUN-STEP`, or a digest of it when that is longer than a training run's name may be.
    static func trainingRunName(_ context: StepContext) -> String {
        let name = "\(context.run.id)-\(context.step.name)"
        return name.count <= 80 ? name : "pipeline-" + String(BlobID.digest(of: Data(name.utf8)).hex.prefix(40))
    }
}
