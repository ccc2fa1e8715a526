import AviaryJSON
import AviaryStore
import Foundation

/// Registers a model version in the registry: the model blob from an earlier step, its metrics, the
/// dataset version it was trained on, and lineage that names this run (and its parameters). A resumed
/// run that had already registered reuses that version instead of registering a second one.
public struct RegisterStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        var content = JSONObject()
        content["group"] = context.inputs["group"] ?? .null
        content["model"] = try Self.model(context).map { .string($0.description) } ?? .null
        content["metrics"] = .object(JSONObject(try Self.metrics(context).sorted { $0.key < $1.key }.map { ($0.key, JSONValue.double($0.value)) }))
        content["dataset"] = try await Self.dataset(context).map { .string($0.id) } ?? .null
        content["approve"] = .bool(context.inputs["approve"] == .bool(true))
        return .object(content)
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        guard let group = context.string("group") else { throw StepFailure(.input, "`group` must be a string") }
        let registry = ModelRegistry(metadata: context.project.metadata)
        let existing = (try? await registry.versions(of: group)) ?? []
        if let earlier = existing.first(where: { $0.lineage.pipelineRun == context.run.id }) {
            context.log("this run already registered \(earlier.reference); reusing it")
            return Self.result(earlier)
        }
        var registration = ModelRegistry.Registration(group: group, by: "pipeline \(context.run.pipeline)")
        registration.artifact = try Self.model(context)
        registration.metrics = try Self.metrics(context)
        registration.lineage = ModelVersion.Lineage(
            datasetVersion: try await Self.dataset(context)?.reference, pipelineRun: context.run.id,
            parameters: context.run.parameters.mapValues { $0.stringValue ?? $0.serialized() }, codeVersion: AviaryVersion.current)
        registration.description = context.step.description
        registration.reason = "registered by step '\(context.step.name)' of pipeline run \(context.run.id)"
        if context.inputs["approve"] == .bool(true) { registration.status = .approved }
        do {
            let version = try await registry.register(registration)
            context.log("registered \(version.reference) (\(version.status.rawValue))")
            return Self.result(version)
        } catch let error as RegistryError {
            throw StepFailure(.input, "\(error)")
        }
    }

    static func result(_ version: ModelVersion) -> StepResult {
        StepResult(outputs: ["version": .string(version.reference), "group": .string(version.group), "number": .int(version.number),
                             "status": .string(version.status.rawValue)],
                   artifacts: version.artifact.map { [$0] } ?? [], message: "registered \(version.reference) (\(version.status.rawValue))")
    }

    static func model(_ context: StepContext) throws -> BlobID? {
        guard let value = context.inputs["model"] else { return nil }
        guard let text = value.stringValue, let id = try? BlobID(parsing: text) else {
            throw StepFailure(.input, "`model` must be a blob id such as ${steps.train.outputs.model}, not \(value.serialized())")
        }
        guard (try? context.project.blobs.contains(id)) == true else { throw StepFailure(.input, "`model` names blob \(id), which is not stored") }
        return id
    }

    /// `metrics: {accuracy: …}` or `metrics: ${steps.evaluate.outputs}`: the numeric entries.
    static func metrics(_ context: StepContext) throws -> [String: Double] {
        guard let value = context.inputs["metrics"] else { return [:] }
        guard let object = value.objectValue else { throw StepFailure(.input, "`metrics` must be a mapping of names to numbers") }
        var metrics: [String: Double] = [:]
        for (name, item) in object {
            if let number = item.doubleValue { metrics[name] = number }
        }
        return metrics
    }

    static func dataset(_ context: StepContext) async throws -> DatasetVersion? {
        guard let reference = context.string("dataset") else { return nil }
        return try await context.datasetVersion(reference)
    }
}
